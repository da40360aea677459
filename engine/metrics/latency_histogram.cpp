#include "metrics/latency_histogram.h"

#include "metrics/nearest_rank.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace rag::metrics {

namespace {
// 1024 linear sub-buckets per power of two: a bucket is at most 1/1024 of its lower bound wide,
// so its midpoint is within 1/2048 (0.05%) of any value in it, half the 0.1% we promise. Values
// below 2048 get buckets one microsecond wide, i.e. are exact.
constexpr int kSubBucketBits = 10;
constexpr qint64 kSubBuckets = qint64(1) << kSubBucketBits;

// The bucket of v is (shift * kSubBuckets + (v >> shift)), where shift drops all but the top
// kSubBucketBits + 1 bits of v; for v < 2 * kSubBuckets, shift is 0 and the bucket is v.
constexpr int shiftFor(quint64 v)
{
    return std::max(0, int(std::bit_width(v)) - (kSubBucketBits + 1));
}

constexpr qsizetype bucketIndex(qint64 v)
{
    const int shift = shiftFor(quint64(v));
    return qsizetype(qint64(shift) * kSubBuckets + (v >> shift));
}

// The middle of the bucket's value range, which bounds the relative error from both sides.
qint64 bucketMidpoint(qsizetype index)
{
    const int shift = int(std::max<qint64>(0, index / kSubBuckets - 1));
    const qint64 lowest = (qint64(index) - qint64(shift) * kSubBuckets) << shift;
    const qint64 width = qint64(1) << shift;
    return lowest + width / 2;
}

constexpr qsizetype kBucketCount = bucketIndex(LatencyHistogram::kMaxMicros) + 1; // ~23k: ~91 KiB

// Saturates rather than wraps: a counter stuck at its maximum after four billion samples in one
// bucket skews percentiles a little; a wrapped one would make them nonsense.
void addSaturating(quint32 &counter, quint32 amount)
{
    const quint32 room = std::numeric_limits<quint32>::max() - counter;
    counter += std::min(room, amount);
}
} // namespace

LatencyHistogram::LatencyHistogram()
    : m_buckets(size_t(kBucketCount), 0)
{
}

void LatencyHistogram::record(qint64 micros)
{
    const qint64 v = std::clamp<qint64>(micros, 0, kMaxMicros);
    addSaturating(m_buckets[size_t(bucketIndex(v))], 1);
    if (m_count == 0) {
        m_min = v;
        m_max = v;
    } else {
        m_min = std::min(m_min, v);
        m_max = std::max(m_max, v);
    }
    ++m_count;
    m_sum += double(v);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.m_count == 0)
        return;
    for (size_t i = 0; i < m_buckets.size(); ++i)
        addSaturating(m_buckets[i], other.m_buckets[i]);
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = m_count == 0 ? other.m_max : std::max(m_max, other.m_max);
    m_count += other.m_count;
    m_sum += other.m_sum;
}

LatencyHistogram LatencyHistogram::since(const LatencyHistogram &earlier) const
{
    LatencyHistogram window;
    if (earlier.m_count >= m_count)
        return window;
    qsizetype lowest = -1;
    qsizetype highest = -1;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        const quint32 added = m_buckets[i] - std::min(m_buckets[i], earlier.m_buckets[i]);
        window.m_buckets[i] = added;
        if (added > 0) {
            lowest = lowest < 0 ? qsizetype(i) : lowest;
            highest = qsizetype(i);
        }
    }
    if (lowest < 0) // only saturated counters moved: nothing to say about the values
        return window;
    window.m_count = m_count - earlier.m_count;
    window.m_sum = std::max(0.0, m_sum - earlier.m_sum);
    window.m_min = std::clamp(bucketMidpoint(lowest), m_min, m_max);
    window.m_max = std::clamp(bucketMidpoint(highest), m_min, m_max);
    return window;
}

void LatencyHistogram::reset()
{
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_min = 0;
    m_max = 0;
    m_sum = 0;
}

qint64 LatencyHistogram::min() const
{
    return m_min;
}

qint64 LatencyHistogram::max() const
{
    return m_max;
}

double LatencyHistogram::mean() const
{
    return m_count == 0 ? 0.0 : m_sum / double(m_count);
}

qint64 LatencyHistogram::countAtMost(qint64 micros) const
{
    if (m_count == 0 || micros < m_min)
        return 0;
    if (micros >= m_max)
        return m_count;
    const auto last = size_t(bucketIndex(std::clamp<qint64>(micros, 0, kMaxMicros)));
    qint64 seen = 0;
    for (size_t i = 0; i <= last; ++i)
        seen += m_buckets[i];
    return seen;
}

qint64 LatencyHistogram::percentile(double q) const
{
    if (m_count == 0)
        return 0;
    if (!(q > 0)) // also NaN
        return m_min;
    if (q >= 1)
        return m_max;
    const qint64 rank = nearestRank(q, m_count);
    if (rank == 1)
        return m_min;
    if (rank == m_count)
        return m_max;
    qint64 seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return std::clamp(bucketMidpoint(qsizetype(i)), m_min, m_max);
    }
    return m_max; // only reachable when saturated counters lost samples
}

} // namespace rag::metrics
