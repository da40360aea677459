// The blocking baseline of ChatEngine (a file of its own to keep the async path readable): every
// stage runs synchronously on one thread of the bounded blocking pool, as servers that wrap
// retrieval and provider calls in an executor do. Only the deltas travel back to the engine
// thread, through the same coalescer as async answers.
#include "chat/chat_engine.h"

#include "chat/chat_engine_request.h"
#include "chat/delta_coalescer.h"
#include "chat/pipeline_steps.h"
#include "metrics/request_trace.h"
#include "providers/chat/chat_model.h"
#include "providers/provider_registry.h"
#include "providers/rerank/reranker.h"
#include "workspace/workspace.h"

#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::chat {

using metrics::Stage;
using std::chrono::milliseconds;

QCoro::Task<Result<AskResult>> ChatEngine::runBlocking(std::shared_ptr<Request> request)
{
    ++m_blockingQueued;
    m_statistics.enter(Stage::Admission);
    // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries' captures twice.
    auto running = QtConcurrent::run(&m_blockingPool, [this, request] { return blockingStages(request); });
    auto outcome = co_await running;
    co_return outcome;
}

Result<AskResult> ChatEngine::blockingStages(const std::shared_ptr<Request> &request)
{
    Request &r = *request;
    // Waiting for a pool thread is this mode's admission.
    --m_blockingQueued;
    m_statistics.leave(Stage::Admission);
    r.trace.mark(Stage::Admission);
    if (r.stopped())
        return stopped(r, QStringLiteral("admission"));

    m_statistics.enter(Stage::Load);
    auto loaded = loadContext(m_workspace.database(), r.options);
    m_statistics.leave(Stage::Load);
    if (!loaded)
        return fail(loaded.error());
    r.context = *loaded;
    r.trace.mark(Stage::Load);
    r.trace.mark(Stage::Embed); // inside the search, as in the async path
    const store::AssistantSpec spec = r.context.spec;
    const bool rerank = usesReranker(spec);

    m_statistics.enter(Stage::Search);
    auto found = searchCandidates(m_workspace, spec, r.options.question, rerank);
    m_statistics.leave(Stage::Search);
    if (!found)
        return fail(found.error());
    QList<index::SearchHit> hits = *found;
    r.trace.mark(Stage::Search);
    if (r.stopped())
        return stopped(r, QStringLiteral("search"));

    if (rerank && !hits.isEmpty()) {
        m_statistics.enter(Stage::Rerank);
        // The registry belongs to the engine thread: it is asked there, the call made here.
        const auto reranker = m_registry->rerankerBlocking(spec.reranker);
        Result<providers::RerankResult> scored = fail(reranker ? QString() : reranker.error());
        if (reranker && *reranker)
            scored = (*reranker)->rerankBlocking(r.rerankRequest(hits));
        m_statistics.leave(Stage::Rerank);
        if (r.stopped())
            return stopped(r, QStringLiteral("rerank"));
        hits = r.ranked(hits, scored);
    } else if (rerank) {
        hits = rankByHybrid(hits, spec);
    }
    r.trace.mark(Stage::Rerank);

    QPointer<DeltaCoalescer> coalescer(r.coalescer.get());
    Request *raw = &r;
    const auto deliver = [coalescer, raw](const QString &text) {
        if (!raw->trace.has(Stage::FirstChunk))
            raw->trace.mark(Stage::FirstChunk); // handed off to the caller now
        QMetaObject::invokeMethod(coalescer, [coalescer, text] {
            if (coalescer)
                coalescer->push(text);
        }, Qt::QueuedConnection);
    };
    QString answer;
    if (hits.isEmpty() && !spec.emptyResponse.isEmpty()) {
        r.result.emptyResponse = true;
        r.trace.mark(Stage::Prompt);
        r.trace.mark(Stage::FirstToken);
        deliver(spec.emptyResponse);
        answer = spec.emptyResponse;
    } else {
        const Prompt prompt = promptFor(r.context, hits, r.options.question);
        hits = hits.mid(0, prompt.chunksUsed);
        r.trace.mark(Stage::Prompt);
        const auto found = m_registry->chatModelBlocking(spec.llm);
        if (!found)
            return fail(found.error());
        providers::ChatModel *model = *found;
        const providers::ChatRequest chat = r.chatRequest(prompt, hits);
        m_statistics.enter(Stage::LastChunk);
        auto answered = model->completeBlocking(chat, [raw, &deliver](const providers::ChatDelta &delta) {
            if (!raw->trace.has(Stage::FirstToken))
                raw->trace.mark(Stage::FirstToken);
            if (!delta.content.isEmpty())
                deliver(delta.content);
        });
        m_statistics.leave(Stage::LastChunk);
        if (r.stopped())
            return stopped(r, QStringLiteral("the answer"));
        if (!answered)
            return fail(answered.error());
        r.result.extractive = answered->extractive;
        answer = answered->content;
    }
    QMetaObject::invokeMethod(coalescer, [coalescer] {
        if (coalescer)
            coalescer->flush();
    }, Qt::QueuedConnection);
    r.trace.mark(Stage::LastChunk);
    r.finishAnswer(answer, hits);
    if (r.options.save) {
        m_statistics.enter(Stage::Save);
        auto saved = saveExchange(m_workspace.database(), r.context, r.options.question, r.toSave());
        m_statistics.leave(Stage::Save);
        if (!saved)
            return fail(QStringLiteral("the answer could not be saved: %1").arg(saved.error()));
        r.result.conversationId = *saved;
    }
    r.trace.mark(Stage::Save);
    return r.result;
}

} // namespace rag::chat
