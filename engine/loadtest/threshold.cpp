#include "loadtest/threshold.h"

#include <QRegularExpression>

namespace rag::loadtest {

QStringList thresholdStages()
{
    return {QStringLiteral("ttfc"), QStringLiteral("e2e"), QStringLiteral("schedule_lag"), QStringLiteral("admission"),
            QStringLiteral("load"), QStringLiteral("embed"), QStringLiteral("search"), QStringLiteral("rerank"),
            QStringLiteral("prompt"), QStringLiteral("first_token"), QStringLiteral("last_chunk"), QStringLiteral("save")};
}

namespace {

const QStringList kStatistics{QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p95"),
                              QStringLiteral("p99"), QStringLiteral("max"), QStringLiteral("mean")};

std::optional<Comparison> comparisonOf(const QString &op)
{
    if (op == QLatin1String("<")) return Comparison::Less;
    if (op == QLatin1String("<=")) return Comparison::LessEqual;
    if (op == QLatin1String(">")) return Comparison::Greater;
    if (op == QLatin1String(">=")) return Comparison::GreaterEqual;
    return std::nullopt;
}

double statisticOf(const StageSummary &s, const QString &statistic)
{
    if (statistic == QLatin1String("p50")) return s.p50;
    if (statistic == QLatin1String("p90")) return s.p90;
    if (statistic == QLatin1String("p95")) return s.p95;
    if (statistic == QLatin1String("p99")) return s.p99;
    if (statistic == QLatin1String("max")) return s.max;
    return s.mean;
}

} // namespace

bool Threshold::accepts(double value) const
{
    switch (comparison) {
    case Comparison::Less: return value < limit;
    case Comparison::LessEqual: return value <= limit;
    case Comparison::Greater: return value > limit;
    case Comparison::GreaterEqual: return value >= limit;
    }
    return false;
}

std::optional<double> Threshold::observed(const RunSummary &summary) const
{
    switch (kind) {
    case Kind::ErrorRate: return summary.errorRate;
    case Kind::Throughput: return summary.throughputRps;
    case Kind::Latency: break;
    }
    const auto it = summary.stages.constFind(stage);
    if (it == summary.stages.constEnd() || it->count == 0)
        return std::nullopt;
    return statisticOf(*it, statistic);
}

bool Threshold::holds(const RunSummary &summary) const
{
    const std::optional<double> value = observed(summary);
    return value && accepts(*value);
}

Result<Threshold> parseThreshold(const QString &expression)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^\s*([a-z_0-9]+)\s*(?:\(\s*([a-z_0-9]+)\s*\))?\s*(<=|>=|<|>)\s*([0-9]*\.?[0-9]+)\s*([a-z%]*)\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = pattern.match(expression);
    const QString quoted = QStringLiteral("threshold \"%1\"").arg(expression);
    if (!m.hasMatch())
        return fail(quoted + QStringLiteral(": expected e.g. \"p95(ttfc) < 1500ms\", \"error_rate < 1%\" or \"throughput > 30 rps\""));
    Threshold t;
    t.expression = expression.trimmed();
    const QString name = m.captured(1).toLower();
    const QString stage = m.captured(2).toLower();
    t.comparison = *comparisonOf(m.captured(3));
    t.limit = m.captured(4).toDouble();
    const QString unit = m.captured(5).toLower();

    if (kStatistics.contains(name)) {
        if (stage.isEmpty())
            return fail(quoted + QStringLiteral(": %1 needs a stage in parentheses, e.g. %1(ttfc)").arg(name));
        if (!thresholdStages().contains(stage))
            return fail(quoted + QStringLiteral(": unknown stage %1 (known: %2)").arg(stage, thresholdStages().join(QStringLiteral(", "))));
        if (unit == QLatin1String("s"))
            t.limit *= 1000;
        else if (!unit.isEmpty() && unit != QLatin1String("ms"))
            return fail(quoted + QStringLiteral(": the unit must be ms or s"));
        t.kind = Threshold::Kind::Latency;
        t.statistic = name;
        t.stage = stage;
        return t;
    }
    if (!stage.isEmpty())
        return fail(quoted + QStringLiteral(": unknown statistic %1 (known: %2)").arg(name, kStatistics.join(QStringLiteral(", "))));
    if (name == QLatin1String("error_rate")) {
        if (unit == QLatin1String("%"))
            t.limit /= 100;
        else if (!unit.isEmpty())
            return fail(quoted + QStringLiteral(": error_rate takes a percentage (1%) or a fraction (0.01)"));
        if (t.limit > 1)
            return fail(quoted + QStringLiteral(": error_rate cannot exceed 100%"));
        t.kind = Threshold::Kind::ErrorRate;
        return t;
    }
    if (name == QLatin1String("throughput") || name == QLatin1String("rps")) {
        if (!unit.isEmpty() && unit != QLatin1String("rps"))
            return fail(quoted + QStringLiteral(": throughput is in rps"));
        t.kind = Threshold::Kind::Throughput;
        return t;
    }
    return fail(quoted + QStringLiteral(": unknown metric %1 (use p50..p99, max, mean of a stage, error_rate or throughput)").arg(name));
}

QList<ThresholdResult> evaluateThresholds(const QList<Threshold> &thresholds, const RunSummary &summary)
{
    QList<ThresholdResult> results;
    for (const Threshold &t : thresholds)
        results << ThresholdResult{t.expression, t.holds(summary), t.observed(summary)};
    return results;
}

} // namespace rag::loadtest
