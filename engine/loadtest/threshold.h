// Pass/fail criteria of a load test, parsed from expressions such as "p95(ttfc) < 1500ms",
// "error_rate < 1%" or "throughput > 30 rps"; a failed one makes the run exit with code 1.
#pragma once

#include "core/result.h"
#include "loadtest/run_summary.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rag::loadtest {

enum class Comparison { Less, LessEqual, Greater, GreaterEqual };

struct Threshold {
    enum class Kind { Latency, ErrorRate, Throughput };
    QString expression; // as written
    Kind kind = Kind::Latency;
    QString statistic;  // latency: p50 p90 p95 p99 max mean
    QString stage;      // latency: ttfc e2e schedule_lag or a pipeline stage name
    Comparison comparison = Comparison::Less;
    double limit = 0;   // latency: ms; error_rate: a fraction (1% -> 0.01); throughput: req/s

    // The observed value in the limit's unit; nullopt for a latency stage with no samples.
    std::optional<double> observed(const RunSummary &summary) const;
    // False when there is nothing observed: an unmeasured stage proves nothing.
    bool holds(const RunSummary &summary) const;
    // One request's value against the limit (goodput): does `valueMs` satisfy the comparison?
    bool accepts(double value) const;
};

// Stage names a latency threshold may use.
QStringList thresholdStages();

// "STAT(STAGE) OP N[ms|s]" (unit default ms), "error_rate OP N[%]" (without % a fraction),
// "throughput OP N [rps]" or "rps OP N"; OP is <, <=, > or >=. Errors say what was expected.
Result<Threshold> parseThreshold(const QString &expression);

struct ThresholdResult {
    QString expression;
    bool ok = false;
    std::optional<double> observed;
};
QList<ThresholdResult> evaluateThresholds(const QList<Threshold> &thresholds, const RunSummary &summary);

} // namespace rag::loadtest
