// A cancellation flag shared by everything working for one request: the Stop button, a client
// that went away or a deadline sets it once; awaiting code checks it and in-flight HTTP replies
// abort on its signal. Shared by std::shared_ptr; cancel() may be called from any thread.
#pragma once

#include <QObject>

#include <atomic>
#include <memory>

namespace rag {

class CancelToken : public QObject {
    Q_OBJECT
public:
    CancelToken() = default;

    static std::shared_ptr<CancelToken> create() { return std::make_shared<CancelToken>(); }
    // A token cancelled with `parent` (if any) that can also be cancelled on its own: a step
    // that gives up stops its own work without cancelling the whole request.
    static std::shared_ptr<CancelToken> linkedTo(const std::shared_ptr<CancelToken> &parent);

    void cancel();
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }

signals:
    void cancelled(); // emitted once, in the thread that called cancel()

private:
    std::atomic<bool> m_cancelled{false};
};

using CancelTokenPtr = std::shared_ptr<CancelToken>;

} // namespace rag
