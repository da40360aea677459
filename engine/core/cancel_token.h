// A cancellation flag shared by everything working for one request: the Stop button, a client
// that went away or a deadline sets it once; awaiting code checks it, and code that waits on
// something (an HTTP reply, a queue, a timer) subscribes to be told. In the spirit of
// std::stop_token: a plain thread-safe object, not a QObject, so whichever thread drops the last
// reference may destroy it (docs/architecture.md, "Cancellation").
#pragma once

#include <QMutex>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QObject;

namespace rag {

class CancelToken;
using CancelTokenPtr = std::shared_ptr<CancelToken>;

// Ends a subscription when destroyed or reset: from then on its callback is not called, even one
// already queued. Keep it on the context's thread and no longer than the context lives (as a
// member of the context, typically).
class CancelSubscription {
public:
    CancelSubscription() = default;
    CancelSubscription(CancelSubscription &&other) noexcept;
    CancelSubscription &operator=(CancelSubscription &&other) noexcept;
    ~CancelSubscription() { reset(); }
    CancelSubscription(const CancelSubscription &) = delete;
    CancelSubscription &operator=(const CancelSubscription &) = delete;

    void reset();

private:
    friend class CancelToken;
    std::weak_ptr<CancelToken> m_token;
    quint64 m_id = 0;
    std::shared_ptr<bool> m_live; // read and written on the context's thread only
};

class CancelToken : public std::enable_shared_from_this<CancelToken> {
public:
    static CancelTokenPtr create();
    // A token cancelled with any of its parents (null ones are skipped) that can also be
    // cancelled on its own: a step that gives up stops its own work without cancelling the whole
    // request, and a request stops when either its caller or the host shutting down says so.
    static CancelTokenPtr linkedTo(const CancelTokenPtr &parent, const CancelTokenPtr &other = {});

    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;

    void cancel(); // from any thread; the first call wins
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }

    // Calls `onCancel` on `context`'s thread, from its event loop, once the token is cancelled
    // (soon after this call if it already is). Never from inside cancel(): the canceller may hold
    // locks or be another thread altogether.
    [[nodiscard]] CancelSubscription subscribe(QObject *context, std::function<void()> onCancel);

private:
    CancelToken() = default;
    struct Listener {
        quint64 id;
        QObject *context;
        std::function<void()> onCancel;
        std::shared_ptr<bool> live;
    };
    void unsubscribe(quint64 id);
    void post(const Listener &listener);

    std::atomic<bool> m_cancelled{false};
    QMutex m_mutex;
    quint64 m_nextId = 1;
    std::vector<Listener> m_listeners;
    std::vector<std::weak_ptr<CancelToken>> m_children;
    friend class CancelSubscription;
};

} // namespace rag
