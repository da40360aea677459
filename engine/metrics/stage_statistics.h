// Per-stage latency histograms aggregated over many requests, plus TTFC and end-to-end, and
// counters of requests in flight per stage. Thread-safe: pipelines record from the engine
// thread and pool threads; monitors and reports read value snapshots from anywhere.
#pragma once

#include "metrics/latency_histogram.h"
#include "metrics/request_trace.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>
#include <utility>

namespace rag::metrics {

struct StageSnapshot {
    // Histograms in microseconds, keyed by stageName(), present once a recorded trace reached
    // the key (each is ~91 KiB, so unreached ones are not allocated):
    //   stage names except "ttfc": RequestTrace::durationMs() of that stage, every outcome;
    //   "ttfc": RequestTrace::sinceStartMs(FirstChunk), every outcome that showed a chunk;
    //   "e2e":  RequestTrace::totalMs() (start to the latest mark) of completed requests only,
    //           so fast failures and early cancels do not pass for fast answers.
    QHash<QString, LatencyHistogram> stages;
    qint64 completed = 0; // ok and not cancelled
    qint64 failed = 0;    // not ok and not cancelled
    qint64 cancelled = 0; // cancelled, whatever `ok` said
    QHash<QString, int> inFlight; // every stage name -> requests currently in it (0 included)
    qint64 reranks = 0;           // rerank stages run (async and blocking)
    qint64 rerankFailures = 0;    // ... whose reranker failed (the answer went on in hybrid order)
    // The latest completed request's stages in pipeline order (name, ms), "ttfc" left out: what
    // a monitor draws as that request's breakdown.
    QList<std::pair<QString, double>> latest;
};

class StageStatistics {
public:
    void record(const RequestTrace &trace, bool ok, bool cancelled);
    void noteRerank(bool ok); // a rerank stage's outcome
    void enter(Stage stage); // a request entered the stage
    void leave(Stage stage); // ... and left it; an unmatched leave() is ignored (never below 0)
    QHash<QString, int> inFlight() const; // just the counters: cheap enough to poll
    StageSnapshot snapshot() const;
    // The outcome counts and one stage's histogram ("ttfc", "e2e", ...): what a live monitor
    // polls a few times a second, without copying every stage's (~91 KiB each).
    StageSnapshot snapshotOf(const QString &stage) const;
    // Clears the histograms and outcome counts. In-flight counters describe requests running
    // now, which will still leave(), so they are kept.
    void reset();

private:
    mutable QMutex m_mutex;
    StageSnapshot m_totals; // its inFlight stays empty; snapshot() fills it from m_inFlight
    std::array<std::atomic<int>, size_t(Stage::Count)> m_inFlight{};
};

} // namespace rag::metrics
