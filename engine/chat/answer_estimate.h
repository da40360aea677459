// Whether a request that has to wait for an admission slot could still finish its answer before
// its deadline (docs/chat.md, "Overload"). Slots free up at capacity / (the mean time an answer
// holds one), so a newcomer behind `ahead` waiters gets one after about
// (ahead + 1) * hold / capacity, and its answer then takes the mean time admitted answers take,
// from admission to their last word. Judging by the start alone admitted requests whose streams
// then ran past the deadline: under overload those were most of the failures, each after costing
// a search and a rerank. Both means are weighted towards recent answers, so the estimate follows
// the load. Every admitted request teaches the hold time, answered or not; the answer time comes
// from those that sent a first chunk. Until a few requests have been seen nothing is refused.
// Used from the engine thread only.
#pragma once

#include <optional>

namespace rag::chat {

class AnswerEstimate {
public:
    // A request that held its slot for holdMs; `answered`: it sent at least a first chunk.
    void noteHeld(double holdMs, bool answered);
    // When a newcomer's answer would end, in ms from now, with `ahead` requests waiting before
    // it (-1: it holds a slot already); nullopt while too little is known.
    std::optional<double> expectedEndMs(int ahead, int capacity) const;

private:
    static constexpr double kWeight = 0.05; // about the last 20 answers count
    static constexpr int kWarmup = 8;
    double m_holdMs = 0;
    double m_answerMs = 0;
    int m_holds = 0;
    int m_answers = 0;
};

} // namespace rag::chat
