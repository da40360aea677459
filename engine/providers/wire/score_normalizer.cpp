#include "providers/wire/score_normalizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rag::providers {

namespace {
constexpr double kMinSpread = 1e-3;
}

QList<double> normalizeScores(const QList<double> &raw)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (double s : raw) {
        if (std::isfinite(s)) {
            lo = std::min(lo, s);
            hi = std::max(hi, s);
        }
    }
    QList<double> out;
    out.reserve(raw.size());
    if (lo > hi) { // nothing finite
        out.fill(0.0, raw.size());
        return out;
    }
    const bool inRange = lo >= 0.0 && hi <= 1.0;
    // A near-constant set carries no ranking signal a rescale could recover; rescaling would blow
    // noise up to the full [0, 1] range, so the scores are only clipped.
    const bool clip = !inRange && hi - lo < kMinSpread;
    // Finite scores far apart (1e308 and -1e308) have an infinite spread: halved, every
    // difference is finite and the rescale still maps lo to 0 and hi to 1.
    const double scale = std::isfinite(hi - lo) ? 1.0 : 0.5;
    for (double s : raw) {
        if (!std::isfinite(s))
            out.append(0.0);
        else if (inRange)
            out.append(s);
        else if (clip)
            out.append(std::clamp(s, 0.0, 1.0));
        else
            out.append((s * scale - lo * scale) / (hi * scale - lo * scale));
    }
    return out;
}

} // namespace rag::providers
