// The one definition of a percentile the project uses everywhere (histograms, load-test time
// series, the call inspector): nearest rank, the smallest value with at least q of the values at
// or below it. One definition, so a p95 on screen and a p95 in a report agree.
#pragma once

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <vector>

namespace rag::metrics {

// The 1-based rank of the q-quantile among `count` values (count > 0). The epsilon keeps q * count
// from landing one rank too high when it is an integer in exact arithmetic but not in binary
// (0.95 * 100 may come out as 95.00000000000001).
inline qint64 nearestRank(double q, qint64 count)
{
    if (!(q > 0)) // also NaN
        return 1;
    return std::clamp<qint64>(qint64(std::ceil(q * double(count) - 1e-9)), 1, count);
}

// The exact q-quantile of values at hand; 0 when there are none. Takes a copy: it reorders it.
template <typename T>
double nearestRankValue(std::vector<T> values, double q)
{
    if (values.empty())
        return 0;
    const auto at = values.begin() + (nearestRank(q, qint64(values.size())) - 1);
    std::nth_element(values.begin(), at, values.end());
    return double(*at);
}

} // namespace rag::metrics
