// Reranker wire formats: build the HTTP request(s) for "score these N texts against this query"
// and parse each provider's reply back to (index, score) pairs. Pure functions: the async and the
// blocking rerankers share them, so both send and read exactly the same bytes.
#pragma once

#include "core/result.h"
#include "providers/provider_kind.h"
#include "providers/wire/wire_request.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace rag::providers {

struct RerankInput {
    ProviderKind kind = ProviderKind::Jina;
    QString baseUrl;  // empty: the vendor's default
    QString model;
    QString query;
    QStringList documents; // as stored (title first when there is one), not tokenized
};

// One HTTP call of a rerank: TEI sends batches of kTeiBatchSize (sent concurrently), every
// other kind one call with all documents. `offset` is the index of the batch's first document.
struct RerankBatch {
    WireRequest request;
    int offset = 0;
    int count = 0;
};

inline constexpr int kTeiBatchSize = 8;

// Texts are truncated per kind before sending (Jina, Novita, Gitee, Jiekou 8192 tokens,
// OpenAI-compatible 500, Xinference 4096; others none), counted with rag::text::countTokens.
// No documents, or a kind without a rerank endpoint (Ollama, Builtin): no requests.
QList<RerankBatch> buildRerankRequests(const RerankInput &input);

struct RerankReply {
    QList<std::pair<int, double>> scores; // index within the batch, raw score as sent
    // usage.total_tokens / meta.tokens (a number, or input + output tokens) / meta.billed_units
    // input + output tokens; none for Cohere's search_units, which are not tokens.
    std::optional<qint64> totalTokens;
};

// A reply that is not the kind's shape (not JSON, missing arrays, index out of [0, count) or not
// an integer, a repeated index, non-numeric or non-finite score) is an error naming the provider
// and what was wrong, never a crash. `count` is the number of documents in the batch.
Result<RerankReply> parseRerankReply(ProviderKind kind, const QByteArray &body, int count);

// Scatters batch replies into one score per document by batch offset + index, normalises the
// returned scores together (normalizeScores), and gives a document no reply scored a normalised 0.
QList<double> combineRerankScores(int documentCount, const QList<RerankBatch> &batches,
                                  const QList<RerankReply> &replies);

// Tokens to record for a call when the provider reports none: query + documents as sent (after
// truncation), counted locally.
qint64 countRerankTokens(const RerankInput &input);

} // namespace rag::providers
