// The timeline of one chat request: monotonic timestamps at which each pipeline stage ended,
// counted from the request's start (for load tests: its intended start). Durations per stage
// feed the per-stage histograms; the trace itself goes out with the answer (`ask --json`).
#pragma once

#include <QJsonObject>
#include <QString>

#include <array>
#include <limits>
#include <optional>

namespace rag::metrics {

enum class Stage {
    Admission,  // waiting for an admission slot
    Load,       // assistant + conversation from the database
    Embed,      // the question's embedding
    Search,     // hybrid search
    Rerank,
    Prompt,     // building the prompt
    FirstToken, // the model's first byte of output (any delta, even reasoning)
    FirstChunk, // the first non-empty content delta reached the caller: TTFC
    LastChunk,  // the answer's last delta
    Save,       // the exchange written to the database
    Count
};

// "admission", "load", "embed", "search", "rerank", "prompt", "first_token", "ttfc" (for
// FirstChunk), "last_chunk", "save"; an empty string for Stage::Count.
QString stageName(Stage stage);

// A value type; not thread-safe itself: one request marks it, then it is copied where needed.
class RequestTrace {
public:
    // Starts now; `startedNs` overrides with an earlier time on the nowNs() clock, e.g. a load
    // test's intended start, so that schedule lag counts against admission and TTFC.
    RequestTrace();
    explicit RequestTrace(qint64 startedNs);

    void mark(Stage stage);                 // the stage ended now (the first mark of a stage wins)
    void markAt(Stage stage, qint64 nowNs); // the stage ended at `nowNs` (nowNs() clock)
    bool has(Stage stage) const;

    // Time from the start to the end of the stage, in ms; nullopt if not reached.
    std::optional<double> sinceStartMs(Stage stage) const;
    // The stage's own duration: from the end of the nearest earlier stage in enum order that was
    // marked (skipped stages are folded into the next reached one), or from the start if none
    // was. nullopt if not reached. Negative only if a caller marks stages out of order.
    std::optional<double> durationMs(Stage stage) const;
    // From the start to the latest mark (by time): the request's end-to-end time once it is
    // finished. nullopt if no stage was reached.
    std::optional<double> totalMs() const;
    double elapsedMs() const; // from the start to now
    qint64 startedNs() const { return m_startNs; }

    // Only reached stages appear; values are ms rounded to the microsecond:
    //   "admission", "load", "embed", "search", "rerank", "prompt", "first_token", "last_chunk",
    //   "save": durationMs() of that stage (so they add up to the time of the latest of them);
    //   "ttfc": sinceStartMs(FirstChunk), time to first content chunk counted from the start (the
    //           FirstChunk stage's own duration, first token -> first chunk, is not exported);
    //   "total": totalMs(), present when any stage is.
    QJsonObject toJson() const;

    // The monotonic clock every trace uses: std::chrono::steady_clock in nanoseconds (on Linux
    // CLOCK_MONOTONIC, the same clock QElapsedTimer uses).
    static qint64 nowNs();

private:
    static constexpr qint64 kNotReached = std::numeric_limits<qint64>::min();
    std::optional<qint64> markNs(Stage stage) const;

    qint64 m_startNs = 0;
    std::array<qint64, size_t(Stage::Count)> m_marks;
};

} // namespace rag::metrics
