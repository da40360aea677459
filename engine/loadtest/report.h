// The artefacts of a load-test run: report.json (versioned schema), timeseries.csv, a console
// table, and the per-metric comparison of two reports (--compare OLD.json).
#pragma once

#include "core/result.h"
#include "loadtest/run_recorder.h"
#include "loadtest/saturation.h"
#include "loadtest/scenario.h"
#include "loadtest/threshold.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace rag::loadtest {

// Bumped whenever a key changes meaning or disappears; compareReports() refuses a mismatch.
constexpr int kReportSchema = 1;

// Keys: schema, name, started_at, duration_s (measured), requests {completed, failed, cancelled,
// warmup}, throughput_rps, goodput_rps, error_rate, errors_by_kind {kind: n}, stages {name:
// {p50, p90, p95, p99, max, mean (ms), count}} (ttfc, e2e, schedule_lag, pipeline stages),
// threads_peak, rss_peak_mb, anon_peak_mb, loop_lag_p99_ms, thresholds [{expr, ok, observed}], passed,
// scenario (the scenario JSON as given), cpu, resources, saturation (sweep_report.h), and with
// `steps` (a sweep; the summary then covers every step's measured requests) sweep.
QJsonObject reportJson(const Scenario &scenario, const RunSummary &summary, const QList<ThresholdResult> &thresholds,
                       const QList<SweepStep> &steps = {});

// Header "second,warmup,completed,failed,cancelled,in_flight,ttfc_p95_ms", a row per second.
QString timeseriesCsv(const QList<TimeBucket> &series);

// A table for the terminal: requests, rates, one row per stage, CPU, thresholds with PASS/FAIL,
// and from `report` (reportJson()'s) the sweep's table and the saturation hint.
QString consoleSummary(const Scenario &scenario, const RunSummary &summary, const QList<ThresholdResult> &thresholds,
                       const QJsonObject &report = {});

// One line per metric present in either report, "ttfc p95: 812.0 ms -> 640.5 ms (-21.1%)":
// throughput, goodput, completed, failed, error rate, every stage's p50/p95/p99, threads_peak,
// rss_peak_mb, anon_peak_mb, loop_lag_p99_ms, cpu per request. An error when either report is not of kReportSchema.
Result<QString> compareReports(const QJsonObject &oldReport, const QJsonObject &newReport);

// A report.json read back (for --compare, --plot and the desktop's "Compare with report").
Result<QJsonObject> readReportFile(const QString &path);

} // namespace rag::loadtest
