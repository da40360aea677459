// Whether a request that has to wait for an admission slot could still start its answer before
// its deadline (docs/chat.md, "Overload"). Slots free up at capacity / (the mean time an answer
// holds one), so a newcomer behind `ahead` waiters gets one after about
// (ahead + 1) * hold / capacity, and its first words come a mean admission-to-first-chunk time
// later. Both means are weighted towards recent answers, so the estimate follows the load. Every
// admitted request teaches the hold time, answered or not (under overload many are not); the
// start time comes from those that sent a first chunk. Until a few requests have been seen
// nothing is refused. Used from the engine thread only.
#pragma once

#include <optional>

namespace rag::chat {

class StartEstimate {
public:
    // A request that held its slot for holdMs and sent its first chunk startMs after admission
    // (nullopt: it never did).
    void noteHeld(double holdMs, std::optional<double> startMs);
    // When a newcomer's answer would start, in ms from now, with `ahead` requests waiting before
    // it (-1: it holds a slot already); nullopt while too little is known.
    std::optional<double> expectedStartMs(int ahead, int capacity) const;

private:
    static constexpr double kWeight = 0.05; // about the last 20 answers count
    static constexpr int kWarmup = 8;
    double m_holdMs = 0;
    double m_startMs = 0;
    int m_holds = 0;
    int m_starts = 0;
};

} // namespace rag::chat
