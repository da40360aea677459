#include "providers/http/admission_queue.h"

#include <qcoro/qcorosignal.h>

#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace rag::providers {

class AdmissionQueue::Waiter : public QObject {
    Q_OBJECT
public:
    Admission admission = Admission::TimedOut;
    bool settled = false;
    QTimer timer;
    CancelSubscription cancelSubscription;
signals:
    void done();
};

AdmissionQueue::AdmissionQueue(int capacity, int maxQueued, QObject *parent)
    : QObject(parent)
    , m_capacity(std::max(1, capacity))
    , m_maxQueued(std::max(0, maxQueued))
{
}

AdmissionQueue::~AdmissionQueue()
{
    // Their timers and cancel subscriptions point at this queue: settling stops both.
    while (!m_waiters.empty())
        settle(m_waiters.front(), Admission::Cancelled);
}

QCoro::Task<Admission> AdmissionQueue::acquire(std::chrono::milliseconds timeout, CancelTokenPtr cancel)
{
    if (cancel && cancel->isCancelled())
        co_return Admission::Cancelled;
    if (m_inUse < m_capacity && m_waiters.empty()) {
        ++m_inUse;
        co_return Admission::Granted;
    }
    if (int(m_waiters.size()) >= m_maxQueued)
        co_return Admission::Overloaded;

    // The waiter is deleted later, not here: this coroutine resumes inside its done() emission.
    auto *waiter = new Waiter;
    m_waiters.push_back(waiter);
    waiter->timer.setSingleShot(true);
    connect(&waiter->timer, &QTimer::timeout, waiter, [this, waiter] { settle(waiter, Admission::TimedOut); });
    waiter->timer.start(std::max<qint64>(0, timeout.count()));
    if (cancel) {
        waiter->cancelSubscription = cancel->subscribe(waiter, [this, waiter] { settle(waiter, Admission::Cancelled); });
    }
    QPointer<AdmissionQueue> self(this);
    // The waiter's own timer bounds the wait. (No timeout on the await itself: QCoro 0.8's
    // signal-with-timeout awaiter is freed by one path while a queued call from the other is
    // still pending.)
    co_await qCoro(waiter, &Waiter::done);
    const Admission admission = waiter->settled ? waiter->admission : Admission::TimedOut;
    if (!waiter->settled && self)
        settle(waiter, Admission::TimedOut);
    waiter->deleteLater();
    co_return admission;
}

void AdmissionQueue::settle(Waiter *waiter, Admission admission)
{
    if (waiter->settled)
        return;
    const auto it = std::find(m_waiters.begin(), m_waiters.end(), waiter);
    if (it != m_waiters.end())
        m_waiters.erase(it);
    waiter->settled = true;
    waiter->admission = admission;
    waiter->timer.stop();
    waiter->cancelSubscription.reset(); // nothing may settle it twice
    // Resume the waiting coroutine from the event loop, not from inside release() or cancel():
    // a chain of hand-overs then never nests on the stack.
    QMetaObject::invokeMethod(waiter, &Waiter::done, Qt::QueuedConnection);
}

void AdmissionQueue::release()
{
    if (!m_waiters.empty() && m_inUse <= m_capacity) {
        settle(m_waiters.front(), Admission::Granted); // the slot passes straight to the next caller
        return;
    }
    m_inUse = std::max(0, m_inUse - 1);
}

void AdmissionQueue::setCapacity(int capacity)
{
    m_capacity = std::max(1, capacity);
    while (m_inUse < m_capacity && !m_waiters.empty()) {
        ++m_inUse;
        settle(m_waiters.front(), Admission::Granted);
    }
}

} // namespace rag::providers

#include "admission_queue.moc"
