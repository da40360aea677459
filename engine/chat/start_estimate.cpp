#include "chat/start_estimate.h"

#include <algorithm>

namespace rag::chat {

namespace {

void average(double &mean, int &count, double sample, double weight)
{
    mean = count == 0 ? sample : mean + weight * (sample - mean);
    ++count;
}

} // namespace

void StartEstimate::noteHeld(double holdMs, std::optional<double> startMs)
{
    holdMs = std::max(0.0, holdMs);
    average(m_holdMs, m_holds, holdMs, kWeight);
    if (startMs)
        average(m_startMs, m_starts, std::clamp(*startMs, 0.0, holdMs), kWeight);
}

std::optional<double> StartEstimate::expectedStartMs(int ahead, int capacity) const
{
    if (m_holds < kWarmup || capacity <= 0)
        return std::nullopt;
    const double slotWaitMs = ahead < 0 ? 0.0 : double(ahead + 1) * m_holdMs / double(capacity);
    return slotWaitMs + m_startMs;
}

} // namespace rag::chat
