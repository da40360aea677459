// The saturation hint: in a sweep, the load at which TTFC p95 started to grow as fast as the
// load itself (the knee: from there on requests mostly wait), and, for any run, which bounded
// resource was saturated (a thread pool, a provider's connections, the admission queue, the
// engine's event loop, the CPU), read from the runtime monitor's samples of the measured window.
#pragma once

#include "loadtest/run_summary.h"

#include <QList>
#include <QString>

namespace rag::loadtest {

struct SweepStep {
    double load = 0; // users (closed) or requests/s (open)
    RunSummary summary;
};

struct SaturatedResource {
    QString name;   // a RunSummary::resources key, "cpu" (this process) or "machine_cpu"; empty: none
    double pressure = 0; // how far past saturated: 1 is just saturated, higher is worse
    QString evidence;    // e.g. "pool:blocking 100% busy, 14.8 tasks waiting on average"
};

// The most saturated resource of one run, or an empty name when none was: busy 90% of its
// capacity or more, something waiting for it on average, the loop lagging 50 ms in half the
// samples, or 85% of the cores busy.
SaturatedResource saturatedResource(const RunSummary &summary);

struct SaturationHint {
    bool found = false; // a knee among the steps
    double atLoad = 0;
    double ttfcP95Ms = 0;
    double previousLoad = 0;
    double previousTtfcP95Ms = 0;
    SaturatedResource resource; // at the knee, or at the largest step when none was found
    QString text;               // one sentence for people
};

// Knee: the first step whose TTFC p95 rose from the previous step's at least 0.3 times as fast as
// the load on a log scale (10 -> 50 users: TTFC x1.62 or more) and stands 30% or more above the
// lowest load's (the floor). Below saturation TTFC stays on the floor whatever the load; past it,
// in a closed model, it grows in proportion to the users (slope 1), in an open model faster.
// Both conditions together keep noise (a p95 that wobbles 10-20%) and slow drift (+40% over
// 1000 times the load) from being called a knee. `unit` is "users" or "rps" and words the text.
SaturationHint findSaturation(const QList<SweepStep> &steps, const QString &unit);

} // namespace rag::loadtest
