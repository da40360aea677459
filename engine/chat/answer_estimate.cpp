#include "chat/answer_estimate.h"

#include <algorithm>

namespace rag::chat {

namespace {

void average(double &mean, int &count, double sample, double weight)
{
    mean = count == 0 ? sample : mean + weight * (sample - mean);
    ++count;
}

} // namespace

void AnswerEstimate::noteHeld(double holdMs, bool answered)
{
    holdMs = std::max(0.0, holdMs);
    average(m_holdMs, m_holds, holdMs, kWeight);
    if (answered)
        average(m_answerMs, m_answers, holdMs, kWeight);
}

std::optional<double> AnswerEstimate::expectedEndMs(int ahead, int capacity) const
{
    if (m_holds < kWarmup || m_answers == 0 || capacity <= 0)
        return std::nullopt;
    const double slotWaitMs = ahead < 0 ? 0.0 : double(ahead + 1) * m_holdMs / double(capacity);
    return slotWaitMs + m_answerMs;
}

} // namespace rag::chat
