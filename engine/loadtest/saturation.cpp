#include "loadtest/saturation.h"

#include <algorithm>
#include <cmath>

namespace rag::loadtest {

namespace {

constexpr double kBusy = 0.9;          // share of a pool's capacity in use that counts as full
constexpr double kQueued = 1.0;        // mean waiters that count as a queue
constexpr double kLoopBusy = 0.5;      // share of samples whose loop lag p99 passed 50 ms
constexpr double kCpuBusy = 0.85;      // share of the cores
constexpr double kKneeSlope = 0.3;
constexpr double kKneeRise = 1.3;

QString percent(double share)
{
    return QStringLiteral("%1%").arg(share * 100, 0, 'f', 0);
}

SaturatedResource judge(const QString &name, const ResourceUse &use)
{
    SaturatedResource r;
    if (name.startsWith(QLatin1String("loop:"))) {
        if (use.busyMean >= kLoopBusy)
            r = {name, use.busyMean / kLoopBusy,
                 QStringLiteral("%1 lagged 50 ms or more in %2 of the samples").arg(name, percent(use.busyMean))};
        return r;
    }
    const bool full = use.capacity > 0 && use.busyMean >= kBusy;
    const bool queued = use.queuedMean >= kQueued;
    if (!full && !queued)
        return r;
    r.name = name;
    // A queue behind a full resource is worse than a full resource alone; its length orders them.
    r.pressure = (full ? use.busyMean / kBusy : 0.0) + (queued ? 1.0 + std::log10(use.queuedMean) : 0.0);
    r.evidence = use.capacity > 0 ? QStringLiteral("%1 %2 busy of %3").arg(name, percent(use.busyMean)).arg(use.capacity)
                                  : name;
    if (queued)
        r.evidence += QStringLiteral(", %1 waiting on average (peak %2)").arg(use.queuedMean, 0, 'f', 1).arg(use.queuedPeak);
    return r;
}

} // namespace

SaturatedResource saturatedResource(const RunSummary &summary)
{
    QList<SaturatedResource> found;
    for (auto it = summary.resources.cbegin(); it != summary.resources.cend(); ++it) {
        if (SaturatedResource r = judge(it.key(), it.value()); !r.name.isEmpty())
            found << r;
    }
    if (summary.cores > 0) {
        const double processShare = summary.cpuCores / summary.cores;
        if (processShare >= kCpuBusy)
            found << SaturatedResource{QStringLiteral("cpu"), processShare / kCpuBusy,
                                       QStringLiteral("this process used %1 of %2 cores").arg(summary.cpuCores, 0, 'f', 2).arg(summary.cores)};
        else if (summary.machineCpuBusy >= kCpuBusy) // the cores were full, mostly with others' work
            found << SaturatedResource{QStringLiteral("machine_cpu"), summary.machineCpuBusy / kCpuBusy,
                                       QStringLiteral("the machine's cores were %1 busy, this process used %2 of %3")
                                           .arg(percent(summary.machineCpuBusy)).arg(summary.cpuCores, 0, 'f', 2).arg(summary.cores)};
    }
    if (found.isEmpty())
        return {};
    std::stable_sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.pressure > b.pressure; });
    SaturatedResource top = found.first();
    for (qsizetype i = 1; i < found.size(); ++i)
        top.evidence += QStringLiteral("; also ") + found.at(i).evidence;
    return top;
}

SaturationHint findSaturation(const QList<SweepStep> &steps, const QString &unit)
{
    SaturationHint hint;
    if (steps.isEmpty())
        return hint;
    // The floor: TTFC p95 at the lowest load that measured one.
    double lowest = 0;
    for (const SweepStep &step : steps) {
        if (const double t = step.summary.stages.value(QStringLiteral("ttfc")).p95; t > 0) {
            lowest = t;
            break;
        }
    }
    for (qsizetype i = 1; i < steps.size() && !hint.found; ++i) {
        const double t0 = steps.at(i - 1).summary.stages.value(QStringLiteral("ttfc")).p95;
        const double t1 = steps.at(i).summary.stages.value(QStringLiteral("ttfc")).p95;
        const double l0 = steps.at(i - 1).load;
        const double l1 = steps.at(i).load;
        if (t0 <= 0 || t1 <= 0 || l0 <= 0 || l1 <= l0)
            continue;
        const double slope = std::log(t1 / t0) / std::log(l1 / l0);
        if (slope >= kKneeSlope && t1 >= kKneeRise * lowest) {
            hint.found = true;
            hint.atLoad = l1;
            hint.ttfcP95Ms = t1;
            hint.previousLoad = l0;
            hint.previousTtfcP95Ms = t0;
            hint.resource = saturatedResource(steps.at(i).summary);
        }
    }
    const auto loadText = [&unit](double load) {
        return unit == QLatin1String("users") ? QStringLiteral("%1 users").arg(load) : QStringLiteral("%1 req/s").arg(load);
    };
    if (hint.found) {
        const QString cause = hint.resource.name.isEmpty() ? QString() : QStringLiteral(": %1").arg(hint.resource.evidence);
        hint.text = QStringLiteral("TTFC p95 started to grow with the load at %1 (%2 ms, from %3 ms at %4); saturated%5")
                        .arg(loadText(hint.atLoad)).arg(hint.ttfcP95Ms, 0, 'f', 0).arg(hint.previousTtfcP95Ms, 0, 'f', 0)
                        .arg(loadText(hint.previousLoad))
                        .arg(cause.isEmpty() ? QStringLiteral(": no pool, connection pool, loop or CPU of this process (the wait is elsewhere)") : cause);
        return hint;
    }
    hint.resource = saturatedResource(steps.constLast().summary);
    hint.text = QStringLiteral("TTFC p95 did not grow with the load up to %1%2")
                    .arg(loadText(steps.constLast().load))
                    .arg(hint.resource.name.isEmpty() ? QString() : QStringLiteral("; saturated there: ") + hint.resource.evidence);
    return hint;
}

} // namespace rag::loadtest
