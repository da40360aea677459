// An embedder behind an HTTP API (OpenAI-compatible, Ollama, TEI): inputs go in batches, several
// batches in flight at once through the provider's pooled client, vectors come back in order.
#pragma once

#include "providers/embed/embedder.h"
#include "providers/provider_settings.h"

namespace rag::providers {

class ProviderHttpClient;

struct EmbedBatching {
    int batchSize = 32;     // inputs per call (docs/providers.md, "Embeddings")
    int batchesInFlight = 4;
};

class HttpEmbedder : public Embedder {
public:
    HttpEmbedder(ProviderSettings settings, ProviderHttpClient *client, EmbedBatching batching = {});

    QString name() const override { return m_settings.name; }
    QCoro::Task<Result<EmbedResult>> embed(EmbedRequest request) override;
    Result<EmbedResult> embedBlocking(const EmbedRequest &request) override;

private:
    QList<QStringList> batchesOf(const QStringList &texts) const;
    Result<std::vector<std::vector<float>>> settle(const QStringList &batch, const struct HttpOutcome &outcome) const;

    ProviderSettings m_settings;
    ProviderHttpClient *m_client;
    EmbedBatching m_batching;
};

} // namespace rag::providers
