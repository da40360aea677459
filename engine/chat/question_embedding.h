// The question embedded by every embedding provider of the knowledge bases it searches
// (docs/chat.md, "embed"): the chat pipeline's `embed` stage and serve's retrieval endpoint.
#pragma once

#include "core/result.h"
#include "providers/embed/embedder.h"
#include "workspace/workspace.h"

#include <QStringList>

#include <qcoro/qcorotask.h>

namespace rag::providers {
class ProviderRegistry;
}

namespace rag::chat {

// On the registry's thread: awaited HTTP; `blocking` (the baseline's pool thread): blocking calls.
// Vectors by provider name, unit length, as the index compares by inner product.
QCoro::Task<Result<Workspace::QueryVectors>> embedQuestion(providers::ProviderRegistry *registry, bool blocking,
                                                           QStringList embedders, providers::EmbedRequest request);

} // namespace rag::chat
