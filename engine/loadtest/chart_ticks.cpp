#include "loadtest/chart_ticks.h"

#include <algorithm>
#include <cmath>

namespace rag::loadtest {

double niceStep(double range, int ticks)
{
    const double raw = std::max(range, 1e-9) / std::max(ticks, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0}) {
        if (raw <= m * magnitude)
            return m * magnitude;
    }
    return 10 * magnitude;
}

} // namespace rag::loadtest
