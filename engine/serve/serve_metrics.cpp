#include "serve/serve_metrics.h"

#include "serve/prometheus_text.h"

#include <QMap>

namespace rag::serve {

namespace {

// Hash order would reorder the lines of every scrape: sorted by name instead.
template <typename Value>
QMap<QString, Value> sorted(const QHash<QString, Value> &hash)
{
    QMap<QString, Value> out;
    for (auto it = hash.cbegin(); it != hash.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

void histograms(PrometheusText &out, const metrics::StageSnapshot &stages)
{
    out.family("ragdesk_ttfc_seconds", "histogram", "Time to the first chunk of an answer.");
    if (stages.stages.contains(QStringLiteral("ttfc")))
        out.histogram("ragdesk_ttfc_seconds", {}, stages.stages.value(QStringLiteral("ttfc")));
    out.family("ragdesk_answer_seconds", "histogram", "Whole answers, start to end, of completed requests.");
    if (stages.stages.contains(QStringLiteral("e2e")))
        out.histogram("ragdesk_answer_seconds", {}, stages.stages.value(QStringLiteral("e2e")));
    out.family("ragdesk_stage_seconds", "histogram", "Time spent in each pipeline stage.");
    const auto byName = sorted(stages.stages);
    for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
        if (it.key() != QLatin1String("ttfc") && it.key() != QLatin1String("e2e"))
            out.histogram("ragdesk_stage_seconds", {{"stage", it.key()}}, it.value());
    }
}

void runtime(PrometheusText &out, const metrics::RuntimeSample &sample)
{
    out.family("ragdesk_threads", "gauge", "Threads of the process.");
    out.sample("ragdesk_threads", {}, sample.threads);
    out.family("ragdesk_resident_memory_bytes", "gauge", "Resident memory of the process.");
    out.sample("ragdesk_resident_memory_bytes", {}, sample.rssMb * 1024 * 1024);
    out.family("ragdesk_pool_threads_active", "gauge", "Busy threads of each pool.");
    const auto pools = sorted(sample.pools);
    for (auto it = pools.cbegin(); it != pools.cend(); ++it)
        out.sample("ragdesk_pool_threads_active", {{"pool", it.key()}}, it->active);
    out.family("ragdesk_pool_queued", "gauge", "Tasks waiting for a thread of each pool.");
    for (auto it = pools.cbegin(); it != pools.cend(); ++it)
        out.sample("ragdesk_pool_queued", {{"pool", it.key()}}, it->queued);
    out.family("ragdesk_pool_threads_max", "gauge", "Threads each pool may use.");
    for (auto it = pools.cbegin(); it != pools.cend(); ++it)
        out.sample("ragdesk_pool_threads_max", {{"pool", it.key()}}, it->max);
    out.family("ragdesk_loop_lag_p99_seconds", "gauge", "Event-loop lag, 99th percentile over the last interval.");
    const auto lag = sorted(sample.loopLagP99Ms);
    for (auto it = lag.cbegin(); it != lag.cend(); ++it)
        out.sample("ragdesk_loop_lag_p99_seconds", {{"loop", it.key()}}, it.value() / 1000);
    out.family("ragdesk_stage_in_flight", "gauge", "Requests in each pipeline stage now.");
    const auto stages = sorted(sample.stageInFlight);
    for (auto it = stages.cbegin(); it != stages.cend(); ++it)
        out.sample("ragdesk_stage_in_flight", {{"stage", it.key()}}, it.value());
    const auto http = sorted(sample.http);
    out.family("ragdesk_provider_http_in_flight", "gauge", "HTTP requests in flight to each provider.");
    for (auto it = http.cbegin(); it != http.cend(); ++it)
        out.sample("ragdesk_provider_http_in_flight", {{"provider", it.key()}}, it->inFlight);
    out.family("ragdesk_provider_http_queued", "gauge", "HTTP requests waiting for a connection to each provider.");
    for (auto it = http.cbegin(); it != http.cend(); ++it)
        out.sample("ragdesk_provider_http_queued", {{"provider", it.key()}}, it->queued);
    out.family("ragdesk_provider_http_max_connections", "gauge", "Connections each provider may use.");
    for (auto it = http.cbegin(); it != http.cend(); ++it)
        out.sample("ragdesk_provider_http_max_connections", {{"provider", it.key()}}, it->maxConnections);
}

} // namespace

QByteArray serveMetricsText(const ServeMetricsInput &input)
{
    PrometheusText out;
    out.family("ragdesk_ready", "gauge", "1 once the indexes are loaded and the server is not draining.");
    out.sample("ragdesk_ready", {}, input.ready ? 1 : 0);
    out.family("ragdesk_http_requests_total", "counter", "Requests received, by route.");
    const auto routes = sorted(input.requestsByRoute);
    for (auto it = routes.cbegin(); it != routes.cend(); ++it)
        out.sample("ragdesk_http_requests_total", {{"route", it.key()}}, double(it.value()));
    out.family("ragdesk_answers_in_flight", "gauge", "Answers being written to clients now.");
    out.sample("ragdesk_answers_in_flight", {}, input.answersInFlight);
    out.family("ragdesk_answers_total", "counter", "Answers ended, by outcome.");
    out.sample("ragdesk_answers_total", {{"outcome", QStringLiteral("completed")}}, double(input.stages.completed));
    out.sample("ragdesk_answers_total", {{"outcome", QStringLiteral("failed")}}, double(input.stages.failed));
    out.sample("ragdesk_answers_total", {{"outcome", QStringLiteral("cancelled")}}, double(input.stages.cancelled));
    out.family("ragdesk_rerank_calls_total", "counter", "Rerank calls, by provider and outcome.");
    for (const providers::RerankCallCount &count : input.rerankCalls)
        out.sample("ragdesk_rerank_calls_total",
                   {{"provider", count.provider}, {"status", count.ok ? QStringLiteral("ok") : QStringLiteral("error")}},
                   double(count.calls));
    histograms(out, input.stages);
    runtime(out, input.runtime);
    return out.text();
}

} // namespace rag::serve
