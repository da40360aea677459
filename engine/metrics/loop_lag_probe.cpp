#include "metrics/loop_lag_probe.h"

#include <QMutexLocker>

#include <algorithm>

namespace rag::metrics {

LoopLagProbe::LoopLagProbe(int intervalMs, QObject *parent)
    : QObject(parent)
    , m_intervalMs(std::max(1, intervalMs))
    , m_timer(this)
{
    // Precise: a coarse timer may fire up to 5% early or late by design, which would read as lag.
    // Single-shot and re-armed from the tick: after a stall the loop gets one late tick, not a
    // burst of catch-up ticks that would each count the same stall again.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &LoopLagProbe::onTick);
    m_clock.start();
    QMutexLocker lock(&m_mutex);
    arm();
}

void LoopLagProbe::arm()
{
    // The due time is taken before the timer starts, so it is never later than the one Qt
    // computes: scheduling noise shows up as a few microseconds of lag rather than hiding lag.
    m_dueNs = m_clock.nsecsElapsed() + qint64(m_intervalMs) * 1'000'000;
    m_timer.start(m_intervalMs);
}

qint64 LoopLagProbe::overdueUs() const
{
    return std::max<qint64>(0, (m_clock.nsecsElapsed() - m_dueNs) / 1000);
}

void LoopLagProbe::onTick()
{
    QMutexLocker lock(&m_mutex);
    // Qt rounds precise timers to milliseconds, so a tick may come a little early: that is 0 lag.
    const qint64 lagUs = overdueUs();
    m_window.lag.record(lagUs);
    m_window.maxStallUs = std::max(m_window.maxStallUs, lagUs);
    arm();
}

LoopLagSnapshot LoopLagProbe::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    LoopLagSnapshot copy = m_window;
    copy.maxStallUs = std::max(copy.maxStallUs, overdueUs());
    return copy;
}

LoopLagSnapshot LoopLagProbe::takeSnapshot()
{
    QMutexLocker lock(&m_mutex);
    LoopLagSnapshot copy = m_window;
    copy.maxStallUs = std::max(copy.maxStallUs, overdueUs());
    m_window.lag.reset();
    m_window.maxStallUs = 0;
    return copy;
}

void LoopLagProbe::reset()
{
    QMutexLocker lock(&m_mutex);
    m_window.lag.reset();
    m_window.maxStallUs = 0;
}

} // namespace rag::metrics
