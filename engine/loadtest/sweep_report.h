// The parts of a report that explain load rather than describe it: how busy each bounded
// resource was, the CPU cost of a request, a sweep's steps and the saturation hint; as JSON for
// report.json and as text for the terminal.
#pragma once

#include "loadtest/saturation.h"
#include "loadtest/scenario.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace rag::loadtest {

// {"pool:cpu": {busy_mean, busy_peak, queued_mean, queued_peak, capacity}, ...}
QJsonObject resourcesJson(const RunSummary &summary);
// {ms_per_request, cores_used, machine_busy, cores}
QJsonObject cpuJson(const RunSummary &summary);
// {found, at_load, ttfc_p95_ms, previous_load, previous_ttfc_p95_ms, resource, evidence, text}
QJsonObject saturationJson(const SaturationHint &hint);
// A single run's hint: its saturated resource, no knee (that needs a sweep).
SaturationHint singleRunHint(const RunSummary &summary);
// {"unit": "users" | "rps", "steps": [{load, requests {...}, throughput_rps, error_rate,
//  ttfc {p50, p95, p99}, e2e_p95, admission_p95, threads_peak, rss_peak_mb, loop_lag_p99_ms,
//  cpu {...}, resources {...}, saturated}]}
QJsonObject sweepJson(const LoadSpec &load, const QList<SweepStep> &steps);
QString sweepUnit(const LoadSpec &load); // "users" or "rps"

// One row per step (load, req/s, TTFC p50/p95/p99, e2e p95, errors, threads, CPU ms/request,
// the saturated resource), then the hint.
QString consoleSweep(const QJsonObject &sweep, const QJsonObject &saturation);

} // namespace rag::loadtest
