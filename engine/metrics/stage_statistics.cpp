#include "metrics/stage_statistics.h"

#include <QMutexLocker>

#include <cmath>

namespace rag::metrics {

namespace {
bool isStage(Stage stage)
{
    return int(stage) >= 0 && stage < Stage::Count;
}

qint64 toMicros(double ms)
{
    return qint64(std::llround(ms * 1000.0));
}
} // namespace

void StageStatistics::record(const RequestTrace &trace, bool ok, bool cancelled)
{
    QMutexLocker lock(&m_mutex);
    for (int i = 0; i < int(Stage::Count); ++i) {
        const auto stage = Stage(i);
        // Same meaning as the "ttfc" key of RequestTrace::toJson(): counted from the start.
        const auto ms = stage == Stage::FirstChunk ? trace.sinceStartMs(stage) : trace.durationMs(stage);
        if (ms)
            m_totals.stages[stageName(stage)].record(toMicros(*ms));
    }
    if (cancelled) {
        ++m_totals.cancelled;
    } else if (ok) {
        ++m_totals.completed;
        if (const auto total = trace.totalMs())
            m_totals.stages[QStringLiteral("e2e")].record(toMicros(*total));
        m_totals.latest.clear();
        for (int i = 0; i < int(Stage::Count); ++i) {
            if (const auto ms = trace.durationMs(Stage(i)); ms && Stage(i) != Stage::FirstChunk)
                m_totals.latest.append({stageName(Stage(i)), *ms});
        }
    } else {
        ++m_totals.failed;
    }
}

void StageStatistics::noteRerank(bool ok)
{
    QMutexLocker lock(&m_mutex);
    ++m_totals.reranks;
    m_totals.rerankFailures += ok ? 0 : 1;
}

void StageStatistics::enter(Stage stage)
{
    if (isStage(stage))
        m_inFlight[size_t(stage)].fetch_add(1, std::memory_order_relaxed);
}

void StageStatistics::leave(Stage stage)
{
    if (!isStage(stage))
        return;
    // A compare-exchange rather than fetch_sub: a stray leave() (an error path that leaves a
    // stage it never entered) must not drive the gauge negative and hide a real request.
    auto &counter = m_inFlight[size_t(stage)];
    int current = counter.load(std::memory_order_relaxed);
    while (current > 0 && !counter.compare_exchange_weak(current, current - 1, std::memory_order_relaxed)) {
    }
}

QHash<QString, int> StageStatistics::inFlight() const
{
    QHash<QString, int> counts;
    for (int i = 0; i < int(Stage::Count); ++i)
        counts.insert(stageName(Stage(i)), m_inFlight[size_t(i)].load(std::memory_order_relaxed));
    return counts;
}

StageSnapshot StageStatistics::snapshot() const
{
    StageSnapshot copy;
    {
        QMutexLocker lock(&m_mutex);
        copy = m_totals;
    }
    copy.inFlight = inFlight();
    return copy;
}

StageSnapshot StageStatistics::snapshotOf(const QString &stage) const
{
    StageSnapshot copy;
    {
        QMutexLocker lock(&m_mutex);
        copy.completed = m_totals.completed;
        copy.failed = m_totals.failed;
        copy.cancelled = m_totals.cancelled;
        copy.reranks = m_totals.reranks;
        copy.rerankFailures = m_totals.rerankFailures;
        copy.latest = m_totals.latest;
        if (const auto found = m_totals.stages.constFind(stage); found != m_totals.stages.constEnd())
            copy.stages.insert(stage, *found);
    }
    copy.inFlight = inFlight();
    return copy;
}

void StageStatistics::reset()
{
    QMutexLocker lock(&m_mutex);
    m_totals = StageSnapshot{};
}

} // namespace rag::metrics
