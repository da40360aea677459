// How many requests the engine lets past admission at once (docs/chat.md, "Overload"). A fixed
// limit high enough for a quiet machine lets an overloaded one take in far more than it can
// serve: every answer then slows, and many run out of time after costing CPU. The limit follows
// the time answers take to start once admitted: while it stays within 3x its floor (the best
// recent value) a limit that is being used grows by its square root; beyond, it shrinks in
// proportion (a gradient controller, as in Netflix's concurrency-limits). Used from the engine
// thread only.
#pragma once

namespace rag::chat {

class AdmissionLimit {
public:
    AdmissionLimit(int minimum, int maximum);
    int limit() const { return int(m_limit); }
    // An admitted request's first chunk came startMs after admission, with inUse requests
    // admitted at the time; returns the new limit.
    int noteStart(double startMs, int inUse);

private:
    static constexpr double kWeight = 0.05;     // the recent start time: about 20 requests
    // The floor creeps up when providers get slower, over thousands of requests: a fast drift
    // would take a sustained overload for the new normal.
    static constexpr double kFloorDrift = 0.0002;
    static constexpr double kTolerance = 3.0;    // starts up to three times the floor are healthy
    static constexpr int kSamplesPerUpdate = 16;
    double m_minimum;
    double m_maximum;
    double m_limit;
    double m_recentMs = 0;
    double m_floorMs = 0;
    int m_samples = 0;
};

} // namespace rag::chat
