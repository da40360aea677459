// A reranker behind an HTTP API (every kind of docs/providers.md but the built-in one). Builds the
// kind's request(s), sends them through the provider's pooled client (TEI batches concurrently),
// parses and normalises the scores, and records every HTTP call in the rerank call log.
#pragma once

#include "providers/provider_settings.h"
#include "providers/rerank/reranker.h"
#include "providers/wire/rerank_wire.h"

namespace rag::providers {

class ProviderHttpClient;
class RerankCallLog;
struct HttpOutcome;

class HttpReranker : public Reranker {
public:
    // The client must outlive the reranker; the log may be null (nothing recorded).
    HttpReranker(ProviderSettings settings, ProviderHttpClient *client, RerankCallLog *log);

    QString name() const override { return m_settings.name; }
    QCoro::Task<Result<RerankResult>> rerank(RerankRequest request) override;
    Result<RerankResult> rerankBlocking(const RerankRequest &request) override;

private:
    RerankInput inputFor(const RerankRequest &request) const;
    std::chrono::milliseconds deadlineFor(const RerankRequest &request) const;
    // Turns one HTTP call's outcome into scores or an error, and logs the call.
    Result<RerankReply> settleBatch(const RerankRequest &request, const RerankBatch &batch, const HttpOutcome &outcome,
                                    const QString &mode);
    Result<RerankResult> combine(const RerankInput &input, const QList<RerankBatch> &batches,
                                 const QList<Result<RerankReply>> &replies, const QList<HttpOutcome> &outcomes) const;

    ProviderSettings m_settings;
    ProviderHttpClient *m_client;
    RerankCallLog *m_log;
};

} // namespace rag::providers
