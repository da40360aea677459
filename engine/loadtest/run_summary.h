// The statistics of a finished (or running) load test as a value snapshot: what thresholds are
// checked against and what reports print. Latencies in ms.
#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QtGlobal>

namespace rag::loadtest {

struct StageSummary {
    double p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
    qint64 count = 0;
};

// How busy one bounded resource was during the measured window, from the runtime monitor's
// samples (every 250 ms): in use against capacity, and what waited for it.
struct ResourceUse {
    double busyMean = 0;   // mean of in use / capacity, 0..1 (0 when the capacity is unknown)
    double busyPeak = 0;
    double queuedMean = 0; // requests or tasks waiting for it
    int queuedPeak = 0;
    int capacity = 0;      // threads or connections; 0 when unbounded or unknown
    int samples = 0;
};

struct RunSummary {
    qint64 recorded = 0;  // every finished request, warm-up included
    qint64 warmup = 0;    // of those, intended to start during the warm-up (excluded below)
    qint64 completed = 0; // measured: ok and not cancelled
    qint64 failed = 0;    // measured: not ok, not cancelled
    qint64 cancelled = 0; // measured: cancelled (e.g. still running when the run ended)
    double measuredS = 0; // the measured window: after the warm-up
    double throughputRps = 0; // completed requests that ended inside the window (sent whenever) / measuredS
    double goodputRps = 0;    // of those, the ones meeting every latency threshold / measuredS
    double errorRate = 0;     // failed / (completed + failed), 0..1; cancels are the runner's
    // "ttfc", "e2e" (completed only), "schedule_lag", and the pipeline stages that were reached.
    QMap<QString, StageSummary> stages;
    QMap<QString, qint64> errorsByKind; // measured failures by error kind
    int threadsPeak = 0;
    double rssPeakMb = 0;
    double anonPeakMb = 0; // anonymous resident memory (RSS without mapped files)
    double loopLagP99Ms = 0;
    // Keys "pool:cpu", "pool:db", "pool:blocking" (thread pools), "http:NAME" (a provider's
    // connections), "admission" (the engine's admission queue), "loop:engine" (busy = lag p99
    // over 100 ms), measured window only.
    QMap<QString, ResourceUse> resources;
    double cpuMsPerRequest = 0; // this process's CPU in the measured window / requests completed in it
    double cpuCores = 0;        // ... / the window's length: 2.0 is two cores busy all the time
    double simulatorCpuMsPerRequest = -1; // the simulator process's CPU likewise; -1: it did not run apart
    double machineCpuBusy = 0;  // the whole machine's busy share in the window, 0..1
    int cores = 0;
    QDateTime startedAt; // wall clock, UTC
};

} // namespace rag::loadtest
