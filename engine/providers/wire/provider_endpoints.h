// Endpoint URL rules per provider kind (docs/providers.md, "Base URLs" and "Rerankers"): the
// configured base is the vendor's API base; the endpoint path is appended unless the base already
// ends with it. An empty base means the vendor's public default (or the local server's usual one).
#pragma once

#include "providers/provider_kind.h"

#include <QUrl>

namespace rag::providers {

// e.g. https://api.jina.ai/v1, http://localhost:11434 for Ollama; empty only for Builtin.
QString defaultBaseUrl(ProviderKind kind);
// Each returns an invalid (empty) QUrl for a kind that has no such endpoint (kindServes()).
QUrl rerankUrl(ProviderKind kind, const QString &baseUrl, const QString &model);
QUrl embeddingsUrl(ProviderKind kind, const QString &baseUrl);
QUrl chatUrl(ProviderKind kind, const QString &baseUrl);

// LocalAI model names may carry a suffix after "___" that the server does not know.
QString wireModelName(ProviderKind kind, const QString &model);

} // namespace rag::providers
