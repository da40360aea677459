// A log-linear latency histogram (HdrHistogram-like): values in microseconds kept to about three
// significant digits in buckets, with exact count, min, max and sum. Cheap to record (no
// allocation after construction), mergeable, copyable as a value snapshot.
#pragma once

#include <QtGlobal>

#include <vector>

namespace rag::metrics {

class LatencyHistogram {
public:
    static constexpr qint64 kMaxMicros = 3'600'000'000; // one hour; larger values are clamped to it

    LatencyHistogram();

    void record(qint64 micros); // negative values count as 0; values above kMaxMicros are clamped
    void merge(const LatencyHistogram &other);
    // What was recorded after `earlier`, an older copy of this histogram: a live monitor's
    // window from two cumulative snapshots. Its min and max are those of the buckets in use
    // (within 0.05%), kept inside this histogram's exact ones.
    LatencyHistogram since(const LatencyHistogram &earlier) const;
    void reset();

    qint64 count() const { return m_count; }
    qint64 min() const; // exact; 0 when empty
    qint64 max() const; // exact; 0 when empty
    double mean() const;
    // The value at quantile q in [0, 1] (0.5, 0.95, 0.99): within 0.1% relative of the true
    // order statistic, never below min() nor above max(). 0 when empty. The order statistic is
    // the nearest rank: the ceil(q * count())-th smallest value (the smallest for q = 0).
    qint64 percentile(double q) const;
    // Values recorded at or below `micros` (to the bucket's precision, about 0.1%): a
    // cumulative bucket of a Prometheus histogram.
    qint64 countAtMost(qint64 micros) const;
    double sum() const { return m_sum; } // of every value recorded, in microseconds

private:
    std::vector<quint32> m_buckets;
    qint64 m_count = 0;
    qint64 m_min = 0;
    qint64 m_max = 0;
    double m_sum = 0;
};

} // namespace rag::metrics
