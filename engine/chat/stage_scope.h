// Counts a request into a stage's in-flight gauge for as long as it is in scope.
#pragma once

#include "metrics/stage_statistics.h"

namespace rag::chat {

class StageScope {
public:
    StageScope(metrics::StageStatistics &stats, metrics::Stage stage) : m_stats(stats), m_stage(stage) { m_stats.enter(stage); }
    ~StageScope() { m_stats.leave(m_stage); }
    StageScope(const StageScope &) = delete;
    StageScope &operator=(const StageScope &) = delete;

private:
    metrics::StageStatistics &m_stats;
    metrics::Stage m_stage;
};

} // namespace rag::chat
