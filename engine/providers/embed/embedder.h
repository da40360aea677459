// Text to vectors: the interface every embedder implements, async (engine thread) and blocking.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"

#include <QStringList>

#include <qcoro/qcorotask.h>

#include <chrono>
#include <vector>

namespace rag::providers {

struct EmbedRequest {
    QStringList texts;
    std::chrono::milliseconds deadline{0}; // per HTTP call; 0: the provider's timeout
    CancelTokenPtr cancel;
};

struct EmbedResult {
    std::vector<std::vector<float>> vectors; // one per text, in order
    int calls = 0;                           // HTTP calls made (0 for the built-in embedder)
    qint64 latencyMicros = 0;
};

class Embedder {
public:
    virtual ~Embedder() = default;

    virtual QString name() const = 0;
    virtual QCoro::Task<Result<EmbedResult>> embed(EmbedRequest request) = 0;
    virtual Result<EmbedResult> embedBlocking(const EmbedRequest &request) = 0;
};

} // namespace rag::providers
