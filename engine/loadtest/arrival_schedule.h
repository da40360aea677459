// Intended start times of load-test requests, in ns from the run's start. The runner dispatches
// at these times and the recorder measures latency from them, so a stalled system cannot hide
// its queueing (no coordinated omission). Pure and deterministic given the seed.
#pragma once

#include "loadtest/scenario.h"

#include <QList>
#include <QtGlobal>

#include <optional>
#include <random>

namespace rag::loadtest {

// Open model: every arrival of the run, ascending, all < load.totalS().
//   Without stages the rate is constant for warm-up + duration. With stages the rate ramps
//   linearly over each stage from the previous stage's rate (the first stage from load.rate) to
//   the stage's rate. Arrivals follow the cumulative intensity L(t) = integral of rate: constant
//   arrivals are where L(t) crosses 1, 2, 3...; Poisson arrivals where it crosses the partial
//   sums of Exp(1) draws (time rescaling), so a Poisson run at a fixed rate has exponential
//   inter-arrival times with mean 1/rate.
QList<qint64> openArrivalsNs(const LoadSpec &load, quint64 seed);

// Closed model: when the `userIndex`-th of load.users starts, spread evenly over the ramp-up
// (user i at i * ramp_s / users, so user 0 at 0 and none at the ramp's end).
qint64 closedUserStartNs(const LoadSpec &load, int userIndex);

// Closed model, one virtual user: its first start, then each next start = previous request's
// end + think time (fixed, or exponential with mean think_ms). Stops after `iterations` requests
// or when the next start would be at or past the run's end. Each user draws from its own
// generator seeded by (seed, userIndex), so draws do not depend on thread interleaving.
class UserSchedule {
public:
    UserSchedule(const LoadSpec &load, int userIndex, quint64 seed);

    qint64 firstStartNs() const { return m_firstNs; }
    // The next intended start after a request that ended at `previousEndNs`; nullopt when the
    // user is done. Call once per finished request.
    std::optional<qint64> next(qint64 previousEndNs);
    qint64 thinkNs(); // one think-time draw
    // How long the user waits after a refusal before asking again: the one second of
    // "Retry-After: 1", spread uniformly over 0.5-1.5 s as clients jitter their retries. Users
    // refused together would otherwise all come back in the same instant, a wave the engine
    // refuses again.
    qint64 refusalBackoffNs();

private:
    LoadSpec m_load;
    qint64 m_firstNs = 0;
    qint64 m_endNs = 0;
    int m_done = 0;
    std::mt19937_64 m_rng;
};

} // namespace rag::loadtest
