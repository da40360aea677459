#include "core/cancel_token.h"

#include <QMetaObject>
#include <QObject>

#include <algorithm>
#include <utility>

namespace rag {

CancelSubscription::CancelSubscription(CancelSubscription &&other) noexcept
    : m_token(std::move(other.m_token)), m_id(std::exchange(other.m_id, 0)), m_live(std::move(other.m_live))
{
}

CancelSubscription &CancelSubscription::operator=(CancelSubscription &&other) noexcept
{
    if (this != &other) {
        reset();
        m_token = std::move(other.m_token);
        m_id = std::exchange(other.m_id, 0);
        m_live = std::move(other.m_live);
    }
    return *this;
}

void CancelSubscription::reset()
{
    if (m_live)
        *m_live = false; // a callback already queued sees this on the same thread and does nothing
    if (const auto token = m_token.lock())
        token->unsubscribe(m_id);
    m_token.reset();
    m_live.reset();
    m_id = 0;
}

CancelTokenPtr CancelToken::create()
{
    return CancelTokenPtr(new CancelToken);
}

CancelTokenPtr CancelToken::linkedTo(const CancelTokenPtr &parent, const CancelTokenPtr &other)
{
    CancelTokenPtr child = create();
    for (const CancelTokenPtr &p : {parent, other}) {
        if (!p)
            continue;
        {
            QMutexLocker lock(&p->m_mutex);
            if (!p->isCancelled()) {
                // Weak: a parent (a host's shutdown token) outlives many children.
                std::erase_if(p->m_children, [](const std::weak_ptr<CancelToken> &c) { return c.expired(); });
                p->m_children.push_back(child);
                continue;
            }
        }
        child->cancel();
    }
    return child;
}

void CancelToken::cancel()
{
    if (m_cancelled.exchange(true, std::memory_order_acq_rel))
        return;
    std::vector<std::weak_ptr<CancelToken>> children;
    std::vector<Listener> listeners; // destroyed after the lock: a callback may own a subscription
    {
        // Posting under the lock: a subscription ending on its context's thread waits for it, so
        // the context is alive while its event is posted (and ~QObject drops it if it goes next).
        QMutexLocker lock(&m_mutex);
        for (const Listener &listener : m_listeners)
            post(listener);
        listeners.swap(m_listeners);
        children.swap(m_children);
    }
    for (const auto &weak : children) {
        if (const auto child = weak.lock())
            child->cancel();
    }
}

CancelSubscription CancelToken::subscribe(QObject *context, std::function<void()> onCancel)
{
    CancelSubscription subscription;
    subscription.m_live = std::make_shared<bool>(true);
    QMutexLocker lock(&m_mutex);
    Listener listener{m_nextId++, context, std::move(onCancel), subscription.m_live};
    if (isCancelled()) {
        post(listener);
        return subscription; // nothing left to unsubscribe from, but the callback can still be ended
    }
    subscription.m_token = weak_from_this();
    subscription.m_id = listener.id;
    m_listeners.push_back(std::move(listener));
    return subscription;
}

void CancelToken::unsubscribe(quint64 id)
{
    std::function<void()> ended; // destroyed after the lock: it may own another subscription
    QMutexLocker lock(&m_mutex);
    const auto it = std::find_if(m_listeners.begin(), m_listeners.end(), [id](const Listener &l) { return l.id == id; });
    if (it == m_listeners.end())
        return;
    ended = std::move(it->onCancel);
    m_listeners.erase(it);
    lock.unlock();
}

void CancelToken::post(const Listener &listener)
{
    QMetaObject::invokeMethod(
        listener.context,
        [live = listener.live, onCancel = listener.onCancel] {
            if (*live)
                onCancel();
        },
        Qt::QueuedConnection);
}

} // namespace rag
