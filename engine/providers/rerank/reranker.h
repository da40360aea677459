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
    QStringList documents; // as stored, title first when there is one (rerankDocumentText)
    // The chunk each document is, when the caller knows (the chat pipeline does): the call log
    // keeps them so that a call can be replayed. Empty, or one per document.
    QList<qint64> documentIds;
    std::chrono::milliseconds deadline{0}; // 0: the provider's timeout
    CancelTokenPtr cancel;
};

struct RerankResult {
    QList<double> scores; // one per document, normalised to [0, 1], document order
    qint64 tokens = 0;
    int attempts = 0;
    qint64 latencyMicros = 0;
};

// What a reranker is sent for a chunk: its document's title, a new line, its text.
inline QString rerankDocumentText(const QString &title, const QString &content)
{
    if (title.isEmpty())
        return content;
    QString text; // one allocation, not one per operator+
    text.reserve(title.size() + 1 + content.size());
    text.append(title).append(QLatin1Char('\n')).append(content);
    return text;
}

class Reranker {
public:
    virtual ~Reranker() = default;

    virtual QString name() const = 0;
    virtual QCoro::Task<Result<RerankResult>> rerank(RerankRequest request) = 0;
    virtual Result<RerankResult> rerankBlocking(const RerankRequest &request) = 0;
};

} // namespace rag::providers
