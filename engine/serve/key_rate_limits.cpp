#include "serve/key_rate_limits.h"

#include <algorithm>
#include <cmath>

namespace rag::serve {

KeyRateLimits::KeyRateLimits(const QList<double> &requestsPerSecond)
{
    for (const double rate : requestsPerSecond) {
        const double capacity = std::max(1.0, rate);
        m_buckets.append({rate, capacity, 0});
    }
    m_clock.start();
}

std::optional<int> KeyRateLimits::take(int index)
{
    return takeAt(index, m_clock.elapsed());
}

std::optional<int> KeyRateLimits::takeAt(int index, qint64 nowMs)
{
    if (index < 0 || index >= m_buckets.size() || !(m_buckets.at(index).rate > 0))
        return std::nullopt;
    Bucket &bucket = m_buckets[index];
    const double capacity = std::max(1.0, bucket.rate);
    bucket.tokens = std::min(capacity, bucket.tokens + double(nowMs - bucket.refilledMs) / 1000.0 * bucket.rate);
    bucket.refilledMs = nowMs;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return std::nullopt;
    }
    return std::max(1, int(std::ceil((1.0 - bucket.tokens) / bucket.rate)));
}

} // namespace rag::serve
