// Collects finished load-test requests from any thread into per-stage histograms, error counts
// and a per-second time series, and turns them into a RunSummary. Latencies count from each
// request's intended start, so time spent waiting to be dispatched is not hidden.
#pragma once

#include "loadtest/run_summary.h"
#include "loadtest/threshold.h"
#include "metrics/cpu_clock.h"
#include "metrics/latency_histogram.h"
#include "metrics/runtime_monitor.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <vector>

namespace rag::loadtest {

// One finished request; times in ns on one monotonic clock (RequestTrace::nowNs()).
struct RequestRecord {
    qint64 intendedStartNs = 0; // from the arrival schedule
    qint64 dispatchNs = 0;      // when the runner actually sent it
    qint64 firstChunkNs = -1;   // first non-empty content chunk; -1 if none came
    qint64 endNs = 0;           // last chunk, error or cancel
    int chunks = 0;
    bool ok = false;
    bool cancelled = false;
    QString errorKind;              // e.g. "timeout", "http_503"; "error" when empty on failure
    QHash<QString, double> stageMs; // pipeline stage durations (admission, embed, ...)
};

// The pipeline stage durations of a RequestTrace::toJson() ("ttfc" and "total" are left out:
// the recorder computes them from the intended start).
QHash<QString, double> stagesFromTraceJson(const QJsonObject &trace);

struct TimeBucket {
    int second = 0;       // since the run's start; the request's end falls in it
    bool warmup = false;  // the second lies in the warm-up
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 cancelled = 0;
    double ttfcP95Ms = 0; // of the requests that ended in this second and showed a chunk
    qint64 inFlight = 0;  // recorded requests dispatched but not ended at the second's end
};

struct RecorderConfig {
    qint64 runStartNs = 0; // the schedule's zero
    double warmupS = 0;
    // The measured window's length for throughput; 0: from the warm-up's end to the latest end
    // of a measured request (runs limited by iterations).
    double durationS = 0;
    QList<Threshold> thresholds; // the latency ones define goodput
};

class RunRecorder {
public:
    explicit RunRecorder(RecorderConfig config);

    void record(const RequestRecord &request); // thread-safe
    // From the runner's monitor, taken at `atNs`: keeps the peak threads and RSS and the worst
    // engine loop-lag p99 of the whole run, and the resources' use inside the measured window.
    void noteRuntime(const metrics::RuntimeSample &sample, qint64 atNs);
    // CPU clocks at the measured window's start and end (the runner takes them).
    void noteCpuWindow(const metrics::CpuClock &start, const metrics::CpuClock &end);
    // The run was stopped at `atNs`: the measured window ends there if it had not ended yet, so
    // rates are over the time measured, not the time configured.
    void noteStoppedAt(qint64 atNs);
    // Adds a finished sweep step's measured requests, stages and peaks to this recorder, its
    // seconds after this recorder's own (a sweep's whole-run view). Resources stay per step.
    void absorb(const RunRecorder &step);
    RunSummary summary() const;
    QList<TimeBucket> timeSeries() const;
    TimeBucket bucket(int second) const; // one second of timeSeries(), cheaper

private:
    void recordMs(const QString &stage, double ms);
    qint64 warmupEndNs() const; // the measured window, on the trace clock
    qint64 windowEndNs() const; // max() when the run is limited by iterations
    void noteResource(const QString &name, int inUse, int capacity, int queued);
    TimeBucket bucketLocked(size_t second, qint64 inFlight) const;
    bool meetsLatencyThresholds(const QHash<QString, double> &values) const;

    const RecorderConfig m_config;
    mutable QMutex m_mutex;
    QHash<QString, metrics::LatencyHistogram> m_stages;
    RunSummary m_totals;        // counts, errors, runtime fields; stats filled by summary()
    qint64 m_good = 0;
    qint64 m_completedInWindow = 0; // measured, ended inside the measured window
    qint64 m_goodInWindow = 0;
    qint64 m_latestMeasuredEndNs = 0;
    qint64 m_stoppedNs = 0; // 0: ran its course
    double m_absorbedMeasuredS = 0;
    double m_windowCpuS = 0;        // process CPU seconds in the measured window(s)
    double m_windowHelperCpuS = -1; // the simulator's, when it ran as a process of its own
    qint64 m_windowBusyTicks = 0;   // the machine's, same window(s)
    qint64 m_windowTotalTicks = 0;
    struct Second {
        qint64 completed = 0, failed = 0, cancelled = 0, inFlightDelta = 0;
        bool warmup = false; // set for absorbed seconds; the own ones follow the config
        std::vector<float> ttfcMs; // a few hundred per second: cheaper than a histogram each
    };
    std::vector<Second> m_seconds;
};

} // namespace rag::loadtest
