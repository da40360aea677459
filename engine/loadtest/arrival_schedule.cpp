#include "loadtest/arrival_schedule.h"

#include <cmath>
#include <limits>

namespace rag::loadtest {

namespace {

constexpr double kNsPerS = 1e9;

// One piece of the rate curve: the rate goes linearly from r0 to r1 over [t0, t0 + d).
struct Segment {
    double t0, d, r0, r1;
    double area() const { return d * (r0 + r1) / 2; }
    // The time within the segment where the accumulated intensity reaches `a` (0 <= a <= area).
    double timeAt(double a) const
    {
        const double slope = (r1 - r0) / d;
        if (std::abs(slope) < 1e-12)
            return r0 > 0 ? a / r0 : d;
        // r0 x + slope x^2 / 2 = a; the root in [0, d], written to avoid cancellation.
        const double disc = std::max(0.0, r0 * r0 + 2 * slope * a);
        return std::min(d, 2 * a / (r0 + std::sqrt(disc)));
    }
};

QList<Segment> segmentsOf(const LoadSpec &load)
{
    QList<Segment> segments;
    if (load.stages.isEmpty()) {
        segments << Segment{0, load.totalS(), load.rate, load.rate};
        return segments;
    }
    double t = 0;
    double previousRate = load.rate;
    for (const RateStage &stage : load.stages) {
        segments << Segment{t, stage.durationS, previousRate, stage.rate};
        t += stage.durationS;
        previousRate = stage.rate;
    }
    return segments;
}

// A seed per purpose and user, so user 3's draws are the same whatever the other users do.
std::mt19937_64 generator(quint64 seed, quint64 stream)
{
    std::seed_seq seq{quint32(seed), quint32(seed >> 32), quint32(stream), quint32(stream >> 32)};
    return std::mt19937_64(seq);
}

} // namespace

QList<qint64> openArrivalsNs(const LoadSpec &load, quint64 seed)
{
    QList<qint64> arrivals;
    std::mt19937_64 rng = generator(seed, 0);
    std::exponential_distribution<double> unitExp(1.0);
    const bool poisson = load.arrival == ArrivalKind::Poisson;
    // The next crossing of the cumulative intensity, counted within the current segment.
    double target = poisson ? unitExp(rng) : 1.0;
    for (const Segment &segment : segmentsOf(load)) {
        const double area = segment.area();
        while (target <= area) {
            const double t = segment.t0 + segment.timeAt(target);
            arrivals << qint64(std::llround(t * kNsPerS));
            target += poisson ? unitExp(rng) : 1.0;
        }
        target -= area; // carry the remainder into the next segment
    }
    // Rounding may land the last arrival on the end; the run's end is exclusive.
    const qint64 endNs = qint64(std::llround(load.totalS() * kNsPerS));
    while (!arrivals.isEmpty() && arrivals.last() >= endNs)
        arrivals.removeLast();
    return arrivals;
}

qint64 closedUserStartNs(const LoadSpec &load, int userIndex)
{
    if (load.users <= 0)
        return 0;
    return qint64(std::llround(load.rampS * kNsPerS * double(userIndex) / double(load.users)));
}

UserSchedule::UserSchedule(const LoadSpec &load, int userIndex, quint64 seed)
    : m_load(load), m_firstNs(closedUserStartNs(load, userIndex)), m_rng(generator(seed, quint64(userIndex) + 1))
{
    // A run limited only by iterations has no end time.
    m_endNs = load.durationS > 0 ? qint64(std::llround(load.totalS() * kNsPerS)) : std::numeric_limits<qint64>::max();
}

qint64 UserSchedule::thinkNs()
{
    const double meanNs = m_load.thinkMs * 1e6;
    if (meanNs <= 0)
        return 0;
    if (m_load.think == ThinkKind::Fixed)
        return qint64(std::llround(meanNs));
    std::exponential_distribution<double> draw(1.0 / meanNs);
    return qint64(std::llround(draw(m_rng)));
}

qint64 UserSchedule::refusalBackoffNs()
{
    std::uniform_real_distribution<double> draw(0.5 * kNsPerS, 1.5 * kNsPerS);
    return qint64(std::llround(draw(m_rng)));
}

std::optional<qint64> UserSchedule::next(qint64 previousEndNs)
{
    ++m_done;
    if (m_load.iterations && m_done >= *m_load.iterations)
        return std::nullopt;
    const qint64 start = previousEndNs + thinkNs();
    if (start >= m_endNs)
        return std::nullopt;
    return start;
}

} // namespace rag::loadtest
