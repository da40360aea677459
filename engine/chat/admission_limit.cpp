#include "chat/admission_limit.h"

#include <algorithm>
#include <cmath>

namespace rag::chat {

AdmissionLimit::AdmissionLimit(int minimum, int maximum)
    : m_minimum(std::max(1, minimum))
    , m_maximum(std::max(std::max(1, minimum), maximum))
    , m_limit(m_maximum) // a burst on a quiet engine goes through at once; overload shrinks it
{
}

int AdmissionLimit::noteStart(double startMs, int inUse)
{
    startMs = std::max(0.01, startMs);
    if (m_samples == 0) {
        m_recentMs = startMs;
        m_floorMs = startMs;
    } else {
        m_recentMs += kWeight * (startMs - m_recentMs);
        m_floorMs = m_recentMs < m_floorMs ? m_recentMs : m_floorMs + kFloorDrift * (m_recentMs - m_floorMs);
    }
    if (++m_samples % kSamplesPerUpdate != 0)
        return limit();
    const double gradient = std::clamp(kTolerance * m_floorMs / m_recentMs, 0.5, 1.0);
    if (gradient < 1.0)
        m_limit *= 0.9 + 0.1 * gradient; // at most 5% less per update: the signal is noisy
    else if (2 * inUse >= int(m_limit))
        m_limit += std::sqrt(m_limit);   // a limit nobody reaches has nothing to learn from
    m_limit = std::clamp(m_limit, m_minimum, m_maximum);
    return limit();
}

} // namespace rag::chat
