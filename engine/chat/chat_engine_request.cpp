#include "chat/chat_engine_request.h"

#include <QPointer>

#include <algorithm>

namespace rag::chat {

namespace {
// What part of a request's remaining time the rerank call may take.
constexpr double kRerankShareOfDeadline = 0.5;
} // namespace

void ChatEngine::Request::pushDelta(const QString &text)
{
    if (!blocking()) {
        coalescer->push(text);
        return;
    }
    if (!trace.has(metrics::Stage::FirstChunk))
        trace.mark(metrics::Stage::FirstChunk); // handed off to the caller now
    QPointer<DeltaCoalescer> target(coalescer.get());
    QMetaObject::invokeMethod(target, [target, text] {
        if (target)
            target->push(text);
    }, Qt::QueuedConnection);
}

void ChatEngine::Request::flushDeltas()
{
    if (!blocking()) {
        coalescer->flush();
        return;
    }
    QPointer<DeltaCoalescer> target(coalescer.get());
    QMetaObject::invokeMethod(target, [target] {
        if (target)
            target->flush();
    }, Qt::QueuedConnection);
}

providers::RerankRequest ChatEngine::Request::rerankRequest(const QList<index::SearchHit> &candidates) const
{
    providers::RerankRequest rerank;
    rerank.query = options.question;
    rerank.documents = rerankTexts(candidates);
    rerank.documentIds.reserve(candidates.size());
    for (const index::SearchHit &hit : candidates)
        rerank.documentIds.append(hit.chunk.id);
    // A share of what is left, so that a reranker that hangs leaves the answer its time: the
    // stage then falls back to the hybrid order (docs/chat.md). The provider's own timeout still
    // applies when shorter.
    rerank.deadline = std::max(std::chrono::milliseconds(1),
                               std::chrono::milliseconds(qint64(double(remaining().count()) * kRerankShareOfDeadline)));
    rerank.cancel = token;
    return rerank;
}

QList<index::SearchHit> ChatEngine::Request::ranked(QList<index::SearchHit> candidates,
                                                    const Result<providers::RerankResult> &scored)
{
    if (scored)
        return rankByRerank(std::move(candidates), scored->scores, context.spec);
    result.rerankFallback = true; // the answer goes on with the hybrid order, and says so
    result.rerankError = scored.error();
    return rankByHybrid(std::move(candidates), context.spec);
}

providers::ChatRequest ChatEngine::Request::chatRequest(const Prompt &prompt, const QList<index::SearchHit> &hits) const
{
    providers::ChatRequest chat;
    chat.messages = prompt.messages;
    chat.question = options.question;
    chat.passages = passagesOf(hits);
    chat.temperature = context.spec.temperature;
    chat.maxTokens = context.spec.maxTokens;
    chat.firstByteTimeout = remaining();
    chat.cancel = token;
    return chat;
}

void ChatEngine::Request::finishAnswer(const QString &answer, const QList<index::SearchHit> &hits)
{
    result.answer = chat::finishAnswer(answer, hits, context.spec);
    result.references = referencesOf(hits);
}

QJsonObject ChatEngine::Request::traceJson() const
{
    QJsonObject json = trace.toJson();
    // How the answer came about belongs with its timings: a reloaded conversation shows it too.
    if (result.rerankFallback) {
        json.insert(QStringLiteral("rerank_fallback"), true);
        json.insert(QStringLiteral("rerank_error"), result.rerankError);
    }
    if (result.extractive)
        json.insert(QStringLiteral("extractive"), true);
    if (result.emptyResponse)
        json.insert(QStringLiteral("empty_response"), true);
    return json;
}

AskResult ChatEngine::Request::toSave() const
{
    AskResult snapshot = result;
    snapshot.trace = traceJson();
    return snapshot;
}

} // namespace rag::chat
