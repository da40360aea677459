#include "chat/start_estimate.h"

#include <algorithm>

namespace rag::chat {

void StartEstimate::noteAnswered(double holdMs, double startMs)
{
    holdMs = std::max(0.0, holdMs);
    startMs = std::clamp(startMs, 0.0, holdMs);
    if (m_samples == 0) {
        m_holdMs = holdMs;
        m_startMs = startMs;
    } else {
        m_holdMs += kWeight * (holdMs - m_holdMs);
        m_startMs += kWeight * (startMs - m_startMs);
    }
    ++m_samples;
}

std::optional<double> StartEstimate::expectedStartMs(int ahead, int capacity) const
{
    if (m_samples < kWarmup || capacity <= 0)
        return std::nullopt;
    const double slotWaitMs = double(std::max(ahead, 0) + 1) * m_holdMs / double(capacity);
    return slotWaitMs + m_startMs;
}

} // namespace rag::chat
