#include "loadtest/sweep_report.h"

#include <QJsonArray>
#include <QStringList>

#include <cmath>

namespace rag::loadtest {

namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
QString number(double v, int decimals = 1) { return QString::number(v, 'f', decimals); }

} // namespace

QString sweepUnit(const LoadSpec &load)
{
    return load.model == LoadModel::Closed ? QStringLiteral("users") : QStringLiteral("rps");
}

QJsonObject resourcesJson(const RunSummary &summary)
{
    QJsonObject resources;
    for (auto it = summary.resources.cbegin(); it != summary.resources.cend(); ++it)
        resources.insert(it.key(), QJsonObject{{QStringLiteral("busy_mean"), round3(it->busyMean)},
                                               {QStringLiteral("busy_peak"), round3(it->busyPeak)},
                                               {QStringLiteral("queued_mean"), round3(it->queuedMean)},
                                               {QStringLiteral("queued_peak"), it->queuedPeak},
                                               {QStringLiteral("capacity"), it->capacity}});
    return resources;
}

QJsonObject cpuJson(const RunSummary &summary)
{
    QJsonObject json{{QStringLiteral("ms_per_request"), round3(summary.cpuMsPerRequest)},
                     {QStringLiteral("cores_used"), round3(summary.cpuCores)},
                     {QStringLiteral("machine_busy"), round3(summary.machineCpuBusy)},
                     {QStringLiteral("cores"), summary.cores}};
    if (summary.simulatorCpuMsPerRequest >= 0)
        json.insert(QStringLiteral("simulator_ms_per_request"), round3(summary.simulatorCpuMsPerRequest));
    return json;
}

QJsonObject saturationJson(const SaturationHint &hint)
{
    QJsonObject json{{QStringLiteral("found"), hint.found},
                     {QStringLiteral("resource"), hint.resource.name},
                     {QStringLiteral("evidence"), hint.resource.evidence},
                     {QStringLiteral("text"), hint.text}};
    if (hint.found) {
        json.insert(QStringLiteral("at_load"), hint.atLoad);
        json.insert(QStringLiteral("ttfc_p95_ms"), round3(hint.ttfcP95Ms));
        json.insert(QStringLiteral("previous_load"), hint.previousLoad);
        json.insert(QStringLiteral("previous_ttfc_p95_ms"), round3(hint.previousTtfcP95Ms));
    }
    return json;
}

SaturationHint singleRunHint(const RunSummary &summary)
{
    SaturationHint hint;
    hint.resource = saturatedResource(summary);
    hint.text = hint.resource.name.isEmpty()
        ? QStringLiteral("nothing in this process was saturated; run a sweep (load.sweep) to find the load where it would be")
        : QStringLiteral("saturated: %1 (a sweep, load.sweep, shows at which load it began)").arg(hint.resource.evidence);
    return hint;
}

QJsonObject sweepJson(const LoadSpec &load, const QList<SweepStep> &steps)
{
    QJsonArray rows;
    for (const SweepStep &step : steps) {
        const RunSummary &s = step.summary;
        const StageSummary ttfc = s.stages.value(QStringLiteral("ttfc"));
        rows.append(QJsonObject{
            {QStringLiteral("load"), step.load},
            {QStringLiteral("requests"), QJsonObject{{QStringLiteral("completed"), double(s.completed)},
                                                     {QStringLiteral("failed"), double(s.failed)},
                                                     {QStringLiteral("cancelled"), double(s.cancelled)},
                                                     {QStringLiteral("warmup"), double(s.warmup)}}},
            {QStringLiteral("throughput_rps"), round3(s.throughputRps)},
            {QStringLiteral("error_rate"), s.errorRate},
            {QStringLiteral("ttfc"), QJsonObject{{QStringLiteral("p50"), round3(ttfc.p50)},
                                                 {QStringLiteral("p95"), round3(ttfc.p95)},
                                                 {QStringLiteral("p99"), round3(ttfc.p99)}}},
            {QStringLiteral("e2e_p95"), round3(s.stages.value(QStringLiteral("e2e")).p95)},
            {QStringLiteral("admission_p95"), round3(s.stages.value(QStringLiteral("admission")).p95)},
            {QStringLiteral("schedule_lag_p99"), round3(s.stages.value(QStringLiteral("schedule_lag")).p99)},
            {QStringLiteral("threads_peak"), s.threadsPeak},
            {QStringLiteral("rss_peak_mb"), round3(s.rssPeakMb)},
            {QStringLiteral("anon_peak_mb"), round3(s.anonPeakMb)},
            {QStringLiteral("loop_lag_p99_ms"), round3(s.loopLagP99Ms)},
            {QStringLiteral("cpu"), cpuJson(s)},
            {QStringLiteral("resources"), resourcesJson(s)},
            {QStringLiteral("saturated"), saturatedResource(s).name},
        });
    }
    return QJsonObject{{QStringLiteral("unit"), sweepUnit(load)}, {QStringLiteral("steps"), rows}};
}

QString consoleSweep(const QJsonObject &sweep, const QJsonObject &saturation)
{
    QStringList lines;
    lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10  %11")
                 .arg(sweep.value(QStringLiteral("unit")).toString(), 7).arg(QStringLiteral("req/s"), 8)
                 .arg(QStringLiteral("ttfc p50"), 9).arg(QStringLiteral("p95"), 8).arg(QStringLiteral("p99"), 8)
                 .arg(QStringLiteral("e2e p95"), 8).arg(QStringLiteral("errors"), 7).arg(QStringLiteral("threads"), 8)
                 .arg(QStringLiteral("cpu ms/req"), 10).arg(QStringLiteral("sim ms/req"), 10).arg(QStringLiteral("saturated"));
    for (const QJsonValue &v : sweep.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject step = v.toObject();
        const QJsonObject ttfc = step.value(QStringLiteral("ttfc")).toObject();
        const QJsonValue simulator = step[QStringLiteral("cpu")][QStringLiteral("simulator_ms_per_request")];
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10  %11")
                     .arg(QString::number(step.value(QStringLiteral("load")).toDouble(), 'g', 6), 7)
                     .arg(number(step.value(QStringLiteral("throughput_rps")).toDouble()), 8)
                     .arg(number(ttfc.value(QStringLiteral("p50")).toDouble(), 0), 9)
                     .arg(number(ttfc.value(QStringLiteral("p95")).toDouble(), 0), 8)
                     .arg(number(ttfc.value(QStringLiteral("p99")).toDouble(), 0), 8)
                     .arg(number(step.value(QStringLiteral("e2e_p95")).toDouble(), 0), 8)
                     .arg(step[QStringLiteral("requests")][QStringLiteral("failed")].toInt(), 7)
                     .arg(step.value(QStringLiteral("threads_peak")).toInt(), 8)
                     .arg(number(step[QStringLiteral("cpu")][QStringLiteral("ms_per_request")].toDouble(), 2), 10)
                     .arg(simulator.isUndefined() ? QStringLiteral("-") : number(simulator.toDouble(), 2), 10)
                     .arg(step.value(QStringLiteral("saturated")).toString());
    }
    lines << saturation.value(QStringLiteral("text")).toString();
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace rag::loadtest
