#include "providers/http/cancellable_delay.h"

#include <qcoro/qcorosignal.h>

namespace rag::providers {

QCoro::Task<bool> CancellableDelay::wait(std::chrono::milliseconds delay, CancelTokenPtr cancel)
{
    if (cancel && cancel->isCancelled())
        co_return false;
    auto *self = new CancellableDelay;
    self->m_timer.setSingleShot(true);
    self->m_timer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early: before Retry-After
    connect(&self->m_timer, &QTimer::timeout, self, &CancellableDelay::done);
    if (cancel) {
        self->m_cancelSubscription = cancel->subscribe(self, [self] {
            self->m_cancelled = true;
            self->m_timer.stop();
            emit self->done();
        });
    }
    self->m_timer.start(delay);
    co_await qCoro(self, &CancellableDelay::done); // the timer or the cancel always emits it
    const bool completed = !self->m_cancelled;
    self->deleteLater(); // resumed inside done(): the sender must outlive this emission
    co_return completed;
}

} // namespace rag::providers
