// Embedding wire formats: OpenAI-compatible `/embeddings`, Ollama `/api/embed`, TEI `/embed`.
#pragma once

#include "core/result.h"
#include "providers/provider_kind.h"
#include "providers/wire/wire_request.h"

#include <QList>
#include <QStringList>

#include <vector>

namespace rag::providers {

WireRequest buildEmbeddingRequest(ProviderKind kind, const QString &baseUrl, const QString &model,
                                  const QStringList &inputs);

// Returns one vector per input, in input order (OpenAI's data[] is ordered by data[].index).
// Wrong count, ragged dimensions, non-numbers or a non-JSON body are clear errors.
Result<std::vector<std::vector<float>>> parseEmbeddingReply(ProviderKind kind, const QByteArray &body,
                                                            int expectedCount);

} // namespace rag::providers
