#include "loadtest/run_recorder.h"

#include "metrics/nearest_rank.h"

#include <limits>

#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace rag::loadtest {

namespace {

constexpr qint64 kNsPerS = 1'000'000'000;
constexpr double kNsPerMs = 1e6;
// A bound on the series so that a bogus timestamp cannot allocate gigabytes: one day.
constexpr qint64 kMaxSeconds = 86'400;

StageSummary summarize(const metrics::LatencyHistogram &h)
{
    auto ms = [](qint64 us) { return double(us) / 1000.0; };
    StageSummary s;
    s.count = h.count();
    s.p50 = ms(h.percentile(0.50));
    s.p90 = ms(h.percentile(0.90));
    s.p95 = ms(h.percentile(0.95));
    s.p99 = ms(h.percentile(0.99));
    s.max = ms(h.max());
    s.mean = h.mean() / 1000.0;
    return s;
}

int secondOf(qint64 ns, qint64 startNs)
{
    return int(std::clamp<qint64>((ns - startNs) / kNsPerS, 0, kMaxSeconds));
}

} // namespace

QHash<QString, double> stagesFromTraceJson(const QJsonObject &trace)
{
    QHash<QString, double> stages;
    for (auto it = trace.begin(); it != trace.end(); ++it)
        if (it.key() != QLatin1String("ttfc") && it.key() != QLatin1String("total") && it.value().isDouble())
            stages.insert(it.key(), it.value().toDouble());
    return stages;
}

RunRecorder::RunRecorder(RecorderConfig config) : m_config(std::move(config))
{
    m_totals.startedAt = QDateTime::currentDateTimeUtc(); // a recorder is made as its run starts
}

qint64 RunRecorder::warmupEndNs() const
{
    return m_config.runStartNs + qint64(std::llround(m_config.warmupS * 1e9));
}

qint64 RunRecorder::windowEndNs() const
{
    const qint64 configured = m_config.durationS > 0 ? warmupEndNs() + qint64(std::llround(m_config.durationS * 1e9))
                                                     : std::numeric_limits<qint64>::max();
    return m_stoppedNs > 0 ? std::min(configured, std::max(m_stoppedNs, warmupEndNs())) : configured;
}

void RunRecorder::noteStoppedAt(qint64 atNs)
{
    QMutexLocker lock(&m_mutex);
    m_stoppedNs = atNs;
}

void RunRecorder::recordMs(const QString &stage, double ms)
{
    m_stages[stage].record(qint64(std::llround(ms * 1000.0)));
}

bool RunRecorder::meetsLatencyThresholds(const QHash<QString, double> &values) const
{
    for (const Threshold &t : m_config.thresholds) {
        if (t.kind != Threshold::Kind::Latency)
            continue;
        // A percentile over the run becomes a per-request limit; a value the request does not
        // have (no rerank on this assistant) does not count against it, except a missing TTFC.
        const auto it = values.constFind(t.stage);
        if (it == values.constEnd()) {
            if (t.stage == QLatin1String("ttfc"))
                return false;
            continue;
        }
        if (!t.accepts(*it))
            return false;
    }
    return true;
}

void RunRecorder::record(const RequestRecord &r)
{
    const qint64 warmupEnd = warmupEndNs();
    const bool warmup = r.intendedStartNs < warmupEnd;
    const bool completed = r.ok && !r.cancelled;
    const bool failed = !r.ok && !r.cancelled;

    // Everything this request contributes, computed outside the lock.
    QHash<QString, double> values = r.stageMs;
    values.remove(QStringLiteral("ttfc"));
    values.remove(QStringLiteral("total"));
    values.insert(QStringLiteral("schedule_lag"), double(r.dispatchNs - r.intendedStartNs) / kNsPerMs);
    if (r.firstChunkNs >= 0)
        values.insert(QStringLiteral("ttfc"), double(r.firstChunkNs - r.intendedStartNs) / kNsPerMs);
    if (completed)
        values.insert(QStringLiteral("e2e"), double(r.endNs - r.intendedStartNs) / kNsPerMs);
    const bool good = completed && meetsLatencyThresholds(values);

    QMutexLocker lock(&m_mutex);
    ++m_totals.recorded;
    const int endSecond = secondOf(r.endNs, m_config.runStartNs);
    const int dispatchSecond = std::min(endSecond, secondOf(r.dispatchNs, m_config.runStartNs));
    if (size_t(endSecond) >= m_seconds.size())
        m_seconds.resize(size_t(endSecond) + 1);
    Second &bucket = m_seconds[size_t(endSecond)];
    bucket.completed += completed;
    bucket.failed += failed;
    bucket.cancelled += r.cancelled;
    // In flight at the end of seconds dispatchSecond .. endSecond - 1.
    m_seconds[size_t(dispatchSecond)].inFlightDelta += 1;
    bucket.inFlightDelta -= 1;
    if (r.firstChunkNs >= 0)
        bucket.ttfcMs.push_back(float(values.value(QStringLiteral("ttfc"))));

    // Throughput counts what the system finished inside the measured window, whenever it was
    // asked: a request sent in the window but answered after it does not inflate it, and one
    // sent during the warm-up but answered in the window is work the window did. (Counting only
    // requests sent in the window reads 0 req/s once answers take longer than the window.)
    if (r.endNs >= warmupEnd && r.endNs <= windowEndNs()) {
        m_completedInWindow += completed;
        m_goodInWindow += good;
    }
    if (warmup) {
        ++m_totals.warmup;
        return;
    }
    m_totals.completed += completed;
    m_totals.failed += failed;
    m_totals.cancelled += r.cancelled;
    if (failed)
        ++m_totals.errorsByKind[r.errorKind.isEmpty() ? QStringLiteral("error") : r.errorKind];
    m_good += good;
    m_latestMeasuredEndNs = std::max(m_latestMeasuredEndNs, r.endNs);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        recordMs(it.key(), it.value());
}

void RunRecorder::noteResource(const QString &name, int inUse, int capacity, int queued)
{
    // Sums while running; summary() turns them into means.
    ResourceUse &use = m_totals.resources[name];
    const double busy = capacity > 0 ? std::min(1.0, double(inUse) / double(capacity)) : 0.0;
    use.busyMean += busy;
    use.busyPeak = std::max(use.busyPeak, busy);
    use.queuedMean += queued;
    use.queuedPeak = std::max(use.queuedPeak, queued);
    use.capacity = std::max(use.capacity, capacity);
    ++use.samples;
}

void RunRecorder::noteRuntime(const metrics::RuntimeSample &sample, qint64 atNs)
{
    // A lagging loop counts as busy: it is the resource every coroutine of the engine shares.
    constexpr double kLoopBusyLagMs = 50.0;
    const double engineLag = sample.loopLagP99Ms.value(QStringLiteral("engine"));
    QMutexLocker lock(&m_mutex);
    m_totals.threadsPeak = std::max(m_totals.threadsPeak, sample.threads);
    m_totals.rssPeakMb = std::max(m_totals.rssPeakMb, sample.rssMb);
    m_totals.anonPeakMb = std::max(m_totals.anonPeakMb, sample.anonMb);
    m_totals.loopLagP99Ms = std::max(m_totals.loopLagP99Ms, engineLag);
    if (atNs < warmupEndNs() || atNs > windowEndNs())
        return;
    for (auto it = sample.pools.cbegin(); it != sample.pools.cend(); ++it)
        noteResource(QStringLiteral("pool:") + it.key(), it->active, it->max, it->queued);
    for (auto it = sample.http.cbegin(); it != sample.http.cend(); ++it)
        noteResource(QStringLiteral("http:") + it.key(), it->inFlight, it->maxConnections, it->queued);
    if (sample.stageInFlight.contains(QStringLiteral("admission")))
        noteResource(QStringLiteral("admission"), 0, 0, sample.stageInFlight.value(QStringLiteral("admission")));
    if (sample.loopLagP99Ms.contains(QStringLiteral("engine")))
        noteResource(QStringLiteral("loop:engine"), engineLag >= kLoopBusyLagMs ? 1 : 0, 1, 0);
}

void RunRecorder::noteCpuWindow(const metrics::CpuClock &start, const metrics::CpuClock &end)
{
    QMutexLocker lock(&m_mutex);
    m_windowCpuS = end.processS - start.processS;
    m_windowHelperCpuS = start.helperS >= 0 && end.helperS >= 0 ? end.helperS - start.helperS : -1;
    if (start.machineTotal > 0) {
        m_windowBusyTicks = end.machineBusy - start.machineBusy;
        m_windowTotalTicks = end.machineTotal - start.machineTotal;
    }
}

void RunRecorder::absorb(const RunRecorder &step)
{
    const RunSummary measured = step.summary(); // takes the step's lock: never both at once below
    QMutexLocker stepLock(&step.m_mutex);
    QMutexLocker lock(&m_mutex);
    for (auto it = step.m_stages.cbegin(); it != step.m_stages.cend(); ++it)
        m_stages[it.key()].merge(it.value());
    m_totals.recorded += step.m_totals.recorded;
    m_totals.warmup += step.m_totals.warmup;
    m_totals.completed += step.m_totals.completed;
    m_totals.failed += step.m_totals.failed;
    m_totals.cancelled += step.m_totals.cancelled;
    for (auto it = step.m_totals.errorsByKind.cbegin(); it != step.m_totals.errorsByKind.cend(); ++it)
        m_totals.errorsByKind[it.key()] += it.value();
    m_totals.threadsPeak = std::max(m_totals.threadsPeak, step.m_totals.threadsPeak);
    m_totals.rssPeakMb = std::max(m_totals.rssPeakMb, step.m_totals.rssPeakMb);
    m_totals.anonPeakMb = std::max(m_totals.anonPeakMb, step.m_totals.anonPeakMb);
    m_totals.loopLagP99Ms = std::max(m_totals.loopLagP99Ms, step.m_totals.loopLagP99Ms);
    m_good += step.m_good;
    m_completedInWindow += step.m_completedInWindow;
    m_goodInWindow += step.m_goodInWindow;
    m_absorbedMeasuredS += measured.measuredS;
    m_windowCpuS += step.m_windowCpuS;
    if (step.m_windowHelperCpuS >= 0)
        m_windowHelperCpuS = std::max(0.0, m_windowHelperCpuS) + step.m_windowHelperCpuS;
    m_windowBusyTicks += step.m_windowBusyTicks;
    m_windowTotalTicks += step.m_windowTotalTicks;
    for (size_t i = 0; i < step.m_seconds.size(); ++i) {
        Second second = step.m_seconds[i];
        second.warmup = second.warmup || double(i) < step.m_config.warmupS;
        m_seconds.push_back(std::move(second));
    }
}

RunSummary RunRecorder::summary() const
{
    QMutexLocker lock(&m_mutex);
    RunSummary s = m_totals;
    const qint64 warmupEnd = warmupEndNs();
    if (m_absorbedMeasuredS > 0)
        s.measuredS = m_absorbedMeasuredS;
    else
        s.measuredS = m_config.durationS > 0 ? double(windowEndNs() - warmupEnd) / 1e9
                                             : std::max<double>(0, double(m_latestMeasuredEndNs - warmupEnd) / 1e9);
    s.throughputRps = s.measuredS > 0 ? double(m_completedInWindow) / s.measuredS : 0;
    s.goodputRps = s.measuredS > 0 ? double(m_goodInWindow) / s.measuredS : 0;
    s.errorRate = s.completed + s.failed > 0 ? double(s.failed) / double(s.completed + s.failed) : 0;
    for (auto it = m_stages.cbegin(); it != m_stages.cend(); ++it)
        s.stages.insert(it.key(), summarize(it.value()));
    for (ResourceUse &use : s.resources) {
        use.busyMean /= std::max(1, use.samples);
        use.queuedMean /= std::max(1, use.samples);
    }
    s.cores = metrics::CpuClock::cores();
    s.cpuMsPerRequest = m_completedInWindow > 0 ? m_windowCpuS * 1000.0 / double(m_completedInWindow) : 0;
    s.cpuCores = s.measuredS > 0 ? m_windowCpuS / s.measuredS : 0;
    if (m_windowHelperCpuS >= 0 && m_completedInWindow > 0)
        s.simulatorCpuMsPerRequest = m_windowHelperCpuS * 1000.0 / double(m_completedInWindow);
    s.machineCpuBusy = m_windowTotalTicks > 0 ? double(m_windowBusyTicks) / double(m_windowTotalTicks) : 0;
    return s;
}

TimeBucket RunRecorder::bucketLocked(size_t i, qint64 inFlight) const
{
    const Second &second = m_seconds[i];
    TimeBucket b;
    b.second = int(i);
    b.warmup = second.warmup || double(i) < m_config.warmupS;
    b.completed = second.completed;
    b.failed = second.failed;
    b.cancelled = second.cancelled;
    b.inFlight = inFlight;
    if (!second.ttfcMs.empty())
        b.ttfcP95Ms = metrics::nearestRankValue(second.ttfcMs, 0.95);
    return b;
}

QList<TimeBucket> RunRecorder::timeSeries() const
{
    QMutexLocker lock(&m_mutex);
    QList<TimeBucket> series;
    qint64 inFlight = 0;
    for (size_t i = 0; i < m_seconds.size(); ++i) {
        inFlight += m_seconds[i].inFlightDelta;
        series << bucketLocked(i, inFlight);
    }
    return series;
}

TimeBucket RunRecorder::bucket(int second) const
{
    QMutexLocker lock(&m_mutex);
    if (second < 0 || size_t(second) >= m_seconds.size()) {
        TimeBucket empty;
        empty.second = second;
        return empty;
    }
    qint64 inFlight = 0;
    for (size_t i = 0; i <= size_t(second); ++i)
        inFlight += m_seconds[i].inFlightDelta;
    return bucketLocked(size_t(second), inFlight);
}

} // namespace rag::loadtest
