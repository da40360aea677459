#include "metrics/request_trace.h"

#include <chrono>
#include <cmath>

namespace rag::metrics {

namespace {
constexpr double kNsPerMs = 1e6;

bool isStage(Stage stage)
{
    return int(stage) >= 0 && stage < Stage::Count;
}

// Microsecond resolution is what the histograms keep; more digits in JSON would only be noise.
double roundedMs(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}
} // namespace

QString stageName(Stage stage)
{
    switch (stage) {
    case Stage::Admission: return QStringLiteral("admission");
    case Stage::Load: return QStringLiteral("load");
    case Stage::Embed: return QStringLiteral("embed");
    case Stage::Search: return QStringLiteral("search");
    case Stage::Rerank: return QStringLiteral("rerank");
    case Stage::Prompt: return QStringLiteral("prompt");
    case Stage::FirstToken: return QStringLiteral("first_token");
    case Stage::FirstChunk: return QStringLiteral("ttfc");
    case Stage::LastChunk: return QStringLiteral("last_chunk");
    case Stage::Save: return QStringLiteral("save");
    case Stage::Count: break;
    }
    return {};
}

RequestTrace::RequestTrace()
    : RequestTrace(nowNs())
{
}

RequestTrace::RequestTrace(qint64 startedNs)
    : m_startNs(startedNs)
{
    m_marks.fill(kNotReached);
}

qint64 RequestTrace::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void RequestTrace::mark(Stage stage)
{
    markAt(stage, nowNs());
}

void RequestTrace::markAt(Stage stage, qint64 nowNs)
{
    // First mark wins: a retry or a late duplicate signal must not move a stage's end.
    if (isStage(stage) && m_marks[size_t(stage)] == kNotReached)
        m_marks[size_t(stage)] = nowNs;
}

bool RequestTrace::has(Stage stage) const
{
    return markNs(stage).has_value();
}

std::optional<qint64> RequestTrace::markNs(Stage stage) const
{
    if (!isStage(stage) || m_marks[size_t(stage)] == kNotReached)
        return std::nullopt;
    return m_marks[size_t(stage)];
}

std::optional<double> RequestTrace::sinceStartMs(Stage stage) const
{
    const auto at = markNs(stage);
    if (!at)
        return std::nullopt;
    return double(*at - m_startNs) / kNsPerMs;
}

std::optional<double> RequestTrace::durationMs(Stage stage) const
{
    const auto at = markNs(stage);
    if (!at)
        return std::nullopt;
    qint64 from = m_startNs;
    for (int i = int(stage) - 1; i >= 0; --i) {
        if (const auto earlier = markNs(Stage(i))) {
            from = *earlier;
            break;
        }
    }
    return double(*at - from) / kNsPerMs;
}

std::optional<double> RequestTrace::totalMs() const
{
    std::optional<qint64> latest;
    for (qint64 at : m_marks) {
        if (at != kNotReached && (!latest || at > *latest))
            latest = at;
    }
    if (!latest)
        return std::nullopt;
    return double(*latest - m_startNs) / kNsPerMs;
}

double RequestTrace::elapsedMs() const
{
    return double(nowNs() - m_startNs) / kNsPerMs;
}

QJsonObject RequestTrace::toJson() const
{
    QJsonObject json;
    for (int i = 0; i < int(Stage::Count); ++i) {
        const auto stage = Stage(i);
        // "ttfc" is the number users compare across runs, so it is counted from the start.
        const auto ms = stage == Stage::FirstChunk ? sinceStartMs(stage) : durationMs(stage);
        if (ms)
            json.insert(stageName(stage), roundedMs(*ms));
    }
    if (const auto total = totalMs())
        json.insert(QStringLiteral("total"), roundedMs(*total));
    return json;
}

} // namespace rag::metrics
