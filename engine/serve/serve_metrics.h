// What GET /metrics reports (docs/serve.md, "Metrics"): the monitor's latest runtime sample
// (threads, memory, pools, loop lag, requests per stage, provider connections), the stage and
// TTFC histograms, answers by outcome, rerank calls by provider and outcome, and the server's
// own requests by route.
#pragma once

#include "metrics/runtime_monitor.h"
#include "metrics/stage_statistics.h"
#include "providers/calllog/rerank_call_log.h"

#include <QByteArray>
#include <QHash>

namespace rag::serve {

struct ServeMetricsInput {
    metrics::StageSnapshot stages;
    metrics::RuntimeSample runtime;
    QList<providers::RerankCallCount> rerankCalls;
    QHash<QString, qint64> requestsByRoute; // route -> requests received
    int answersInFlight = 0;
    bool ready = false;
};

QByteArray serveMetricsText(const ServeMetricsInput &input);

} // namespace rag::serve
