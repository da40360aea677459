// "Score these texts against this query": the interface every reranker implements, with an async
// entry point (a coroutine on the engine thread; never parks a thread) and a blocking one (same
// request building and parsing; for the blocking baseline and callers that need sync).
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"

#include <QList>
#include <QStringList>

#include <qcoro/qcorotask.h>

#include <chrono>

namespace rag::providers {

struct RerankRequest {
    QString query;
    QStringList documents; // as stored, title first when there is one
    std::chrono::milliseconds deadline{0}; // 0: the provider's timeout
    CancelTokenPtr cancel;
};

struct RerankResult {
    QList<double> scores; // one per document, normalised to [0, 1], document order
    qint64 tokens = 0;
    int attempts = 0;
    qint64 latencyMicros = 0;
};

class Reranker {
public:
    virtual ~Reranker() = default;

    virtual QString name() const = 0;
    virtual QCoro::Task<Result<RerankResult>> rerank(RerankRequest request) = 0;
    virtual Result<RerankResult> rerankBlocking(const RerankRequest &request) = 0;
};

} // namespace rag::providers
