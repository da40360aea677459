#include "loadtest/report.h"

#include "loadtest/sweep_report.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace rag::loadtest {

namespace {

// Rounded to the microsecond (ms with 3 decimals): more digits are noise, and diffs stay short.
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

QJsonObject stageJson(const StageSummary &s)
{
    return QJsonObject{{QStringLiteral("p50"), round3(s.p50)}, {QStringLiteral("p90"), round3(s.p90)},
                       {QStringLiteral("p95"), round3(s.p95)}, {QStringLiteral("p99"), round3(s.p99)},
                       {QStringLiteral("max"), round3(s.max)}, {QStringLiteral("mean"), round3(s.mean)},
                       {QStringLiteral("count"), double(s.count)}};
}

QString number(double v) { return QString::number(v, 'f', 1); }

} // namespace

QJsonObject reportJson(const Scenario &scenario, const RunSummary &summary, const QList<ThresholdResult> &thresholds,
                       const QList<SweepStep> &steps)
{
    QJsonObject stages;
    for (auto it = summary.stages.cbegin(); it != summary.stages.cend(); ++it)
        stages.insert(it.key(), stageJson(it.value()));
    QJsonObject errors;
    for (auto it = summary.errorsByKind.cbegin(); it != summary.errorsByKind.cend(); ++it)
        errors.insert(it.key(), double(it.value()));
    QJsonArray checks;
    bool passed = true;
    for (const ThresholdResult &t : thresholds) {
        passed = passed && t.ok;
        checks.append(QJsonObject{{QStringLiteral("expr"), t.expression}, {QStringLiteral("ok"), t.ok},
                                  {QStringLiteral("observed"), t.observed ? QJsonValue(round3(*t.observed)) : QJsonValue()}});
    }
    QJsonObject report{
        {QStringLiteral("schema"), kReportSchema},
        {QStringLiteral("name"), scenario.name},
        {QStringLiteral("started_at"), summary.startedAt.isValid() ? summary.startedAt.toUTC().toString(Qt::ISODate) : QString()},
        {QStringLiteral("duration_s"), round3(summary.measuredS)},
        {QStringLiteral("requests"), QJsonObject{{QStringLiteral("completed"), double(summary.completed)},
                                                 {QStringLiteral("failed"), double(summary.failed)},
                                                 {QStringLiteral("cancelled"), double(summary.cancelled)},
                                                 {QStringLiteral("warmup"), double(summary.warmup)}}},
        {QStringLiteral("throughput_rps"), round3(summary.throughputRps)},
        {QStringLiteral("goodput_rps"), round3(summary.goodputRps)},
        {QStringLiteral("error_rate"), summary.errorRate},
        {QStringLiteral("errors_by_kind"), errors},
        {QStringLiteral("stages"), stages},
        {QStringLiteral("threads_peak"), summary.threadsPeak},
        {QStringLiteral("rss_peak_mb"), round3(summary.rssPeakMb)},
        {QStringLiteral("anon_peak_mb"), round3(summary.anonPeakMb)},
        {QStringLiteral("loop_lag_p99_ms"), round3(summary.loopLagP99Ms)},
        {QStringLiteral("thresholds"), checks},
        {QStringLiteral("passed"), passed},
        {QStringLiteral("scenario"), scenario.source},
        {QStringLiteral("cpu"), cpuJson(summary)},
        {QStringLiteral("resources"), resourcesJson(summary)},
    };
    if (steps.isEmpty()) {
        report.insert(QStringLiteral("saturation"), saturationJson(singleRunHint(summary)));
    } else {
        report.insert(QStringLiteral("sweep"), sweepJson(scenario.load, steps));
        report.insert(QStringLiteral("saturation"), saturationJson(findSaturation(steps, sweepUnit(scenario.load))));
    }
    return report;
}

QString timeseriesCsv(const QList<TimeBucket> &series)
{
    QString csv = QStringLiteral("second,warmup,completed,failed,cancelled,in_flight,ttfc_p95_ms\n");
    for (const TimeBucket &b : series)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                   .arg(b.second)
                   .arg(b.warmup ? 1 : 0)
                   .arg(b.completed)
                   .arg(b.failed)
                   .arg(b.cancelled)
                   .arg(b.inFlight)
                   .arg(QString::number(b.ttfcP95Ms, 'f', 1));
    return csv;
}

QString consoleSummary(const Scenario &scenario, const RunSummary &s, const QList<ThresholdResult> &thresholds,
                       const QJsonObject &report)
{
    QStringList lines;
    lines << QStringLiteral("scenario %1: %2 s measured").arg(scenario.name, number(s.measuredS));
    lines << QStringLiteral("requests: %1 completed, %2 failed, %3 cancelled (%4 in warm-up, excluded)")
                 .arg(s.completed).arg(s.failed).arg(s.cancelled).arg(s.warmup);
    lines << QStringLiteral("throughput %1 req/s, goodput %2 req/s, error rate %3%")
                 .arg(number(s.throughputRps), number(s.goodputRps), QString::number(s.errorRate * 100, 'f', 2));
    for (auto it = s.errorsByKind.cbegin(); it != s.errorsByKind.cend(); ++it)
        lines << QStringLiteral("  error %1: %2").arg(it.key()).arg(it.value());
    lines << QStringLiteral("%1 %2 %3 %4 %5 %6")
                 .arg(QStringLiteral("stage (ms)"), -14).arg(QStringLiteral("p50"), 10).arg(QStringLiteral("p95"), 10)
                 .arg(QStringLiteral("p99"), 10).arg(QStringLiteral("max"), 10).arg(QStringLiteral("count"), 8);
    for (auto it = s.stages.cbegin(); it != s.stages.cend(); ++it)
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6")
                     .arg(it.key(), -14).arg(number(it->p50), 10).arg(number(it->p95), 10)
                     .arg(number(it->p99), 10).arg(number(it->max), 10).arg(it->count, 8);
    lines << QStringLiteral("threads peak %1, RSS peak %2 MB (anonymous %3 MB, the rest mapped files), loop lag p99 %4 ms")
                 .arg(s.threadsPeak).arg(number(s.rssPeakMb), number(s.anonPeakMb), number(s.loopLagP99Ms));
    lines << QStringLiteral("CPU %1 ms per request, %2 of %3 cores; machine %4% busy%5")
                 .arg(QString::number(s.cpuMsPerRequest, 'f', 2), QString::number(s.cpuCores, 'f', 2)).arg(s.cores)
                 .arg(number(s.machineCpuBusy * 100))
                 .arg(s.simulatorCpuMsPerRequest >= 0
                          ? QStringLiteral("; the simulator %1 ms per request").arg(QString::number(s.simulatorCpuMsPerRequest, 'f', 2))
                          : QString());
    if (report.contains(QStringLiteral("sweep")))
        lines << consoleSweep(report.value(QStringLiteral("sweep")).toObject(), report.value(QStringLiteral("saturation")).toObject()).trimmed();
    else if (report.contains(QStringLiteral("saturation")))
        lines << report[QStringLiteral("saturation")][QStringLiteral("text")].toString();
    for (const ThresholdResult &t : thresholds)
        lines << QStringLiteral("%1  %2 (observed %3)")
                     .arg(t.ok ? QStringLiteral("PASS") : QStringLiteral("FAIL"), t.expression,
                          t.observed ? QString::number(*t.observed, 'g', 6) : QStringLiteral("nothing"));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

namespace {

// "label: old unit -> new unit (+x.x%)"; a side without the metric prints as "-".
// Counts (requests, errors, threads) print as whole numbers, everything else with one decimal.
QString deltaLine(const QString &label, const QJsonValue &oldValue, const QJsonValue &newValue, const QString &unit,
                  bool count = false)
{
    auto show = [&](const QJsonValue &v) {
        if (!v.isDouble())
            return QStringLiteral("-");
        return (count ? QString::number(qint64(std::llround(v.toDouble()))) : number(v.toDouble())) + unit;
    };
    QString line = QStringLiteral("%1: %2 -> %3").arg(label, show(oldValue), show(newValue));
    if (oldValue.isDouble() && newValue.isDouble()) {
        const double a = oldValue.toDouble();
        const double b = newValue.toDouble();
        // A percentage of a value that prints as 0.0 says nothing ("+7859100%" for a queue that
        // appeared): below what one decimal shows, the change is named instead.
        if (std::abs(a) >= 0.05)
            line += QStringLiteral(" (%1%2%)").arg(b >= a ? QStringLiteral("+") : QString(), QString::number((b - a) / a * 100, 'f', 1));
        else if (std::abs(b) >= 0.05)
            line += QStringLiteral(" (from about 0)");
    }
    return line;
}

} // namespace

Result<QString> compareReports(const QJsonObject &oldReport, const QJsonObject &newReport)
{
    const int oldSchema = oldReport.value(QStringLiteral("schema")).toInt(-1);
    const int newSchema = newReport.value(QStringLiteral("schema")).toInt(-1);
    if (oldSchema != kReportSchema || newSchema != kReportSchema)
        return fail(QStringLiteral("cannot compare reports of schema %1 and %2 (this version reads schema %3)")
                        .arg(oldSchema).arg(newSchema).arg(kReportSchema));
    QStringList lines;
    const QString ms = QStringLiteral(" ms");
    auto top = [&](const QString &label, const QString &key, const QString &unit, bool count = false) {
        lines << deltaLine(label, oldReport.value(key), newReport.value(key), unit, count);
    };
    const QString requests = QStringLiteral("requests");
    top(QStringLiteral("throughput"), QStringLiteral("throughput_rps"), QStringLiteral(" req/s"));
    top(QStringLiteral("goodput"), QStringLiteral("goodput_rps"), QStringLiteral(" req/s"));
    for (const QString &k : {QStringLiteral("completed"), QStringLiteral("failed"), QStringLiteral("cancelled")})
        lines << deltaLine(k, oldReport[requests][k], newReport[requests][k], QString(), true);
    lines << deltaLine(QStringLiteral("error rate"), QJsonValue(oldReport[QStringLiteral("error_rate")].toDouble() * 100),
                       QJsonValue(newReport[QStringLiteral("error_rate")].toDouble() * 100), QStringLiteral("%"));

    const QJsonObject oldStages = oldReport.value(QStringLiteral("stages")).toObject();
    const QJsonObject newStages = newReport.value(QStringLiteral("stages")).toObject();
    QStringList names = oldStages.keys() + newStages.keys();
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const QString &stage : names)
        for (const QString &stat : {QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99")})
            lines << deltaLine(stage + QLatin1Char(' ') + stat, oldStages[stage][stat], newStages[stage][stat], ms);

    const QJsonObject oldErrors = oldReport.value(QStringLiteral("errors_by_kind")).toObject();
    const QJsonObject newErrors = newReport.value(QStringLiteral("errors_by_kind")).toObject();
    QStringList kinds = oldErrors.keys() + newErrors.keys();
    std::sort(kinds.begin(), kinds.end());
    kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
    for (const QString &kind : kinds)
        lines << deltaLine(QStringLiteral("errors ") + kind, QJsonValue(oldErrors[kind].toDouble()), QJsonValue(newErrors[kind].toDouble()), QString(), true);

    top(QStringLiteral("threads_peak"), QStringLiteral("threads_peak"), QString(), true);
    top(QStringLiteral("rss_peak_mb"), QStringLiteral("rss_peak_mb"), QStringLiteral(" MB"));
    top(QStringLiteral("anon_peak_mb"), QStringLiteral("anon_peak_mb"), QStringLiteral(" MB"));
    top(QStringLiteral("loop_lag_p99_ms"), QStringLiteral("loop_lag_p99_ms"), ms);
    lines << deltaLine(QStringLiteral("cpu per request"), oldReport[QStringLiteral("cpu")][QStringLiteral("ms_per_request")],
                       newReport[QStringLiteral("cpu")][QStringLiteral("ms_per_request")], ms);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

Result<QJsonObject> readReportFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject())
        return fail(QStringLiteral("%1 is not a report.json").arg(path));
    return doc.object();
}

} // namespace rag::loadtest
