// The stages every request runs after admission, written once for both modes (docs/chat.md):
// async requests await the bounded pools and the providers' HTTP from the engine thread; blocking
// ones (the measured baseline) run the same stages on their blocking-pool thread, where every
// step completes before it returns, so the coroutine never suspends there.
#include "chat/chat_engine.h"

#include "chat/chat_engine_request.h"
#include "chat/pipeline_steps.h"
#include "chat/question_embedding.h"
#include "chat/stage_scope.h"
#include "index/builtin_embedder.h"
#include "providers/chat/chat_model.h"
#include "providers/embed/embedder.h"
#include "providers/provider_registry.h"
#include "providers/rerank/reranker.h"
#include "text/token_counter.h"
#include "workspace/workspace.h"

#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::chat {

using metrics::Stage;

namespace {

// CPU or database work: on `pool`, awaited, for an async request; right here for a blocking one,
// whose own pool thread is where the baseline does everything.
template <typename Work>
QCoro::Task<std::invoke_result_t<Work>> onPool(bool blocking, QThreadPool *pool, Work work)
{
    if (blocking)
        co_return work();
    auto running = QtConcurrent::run(pool, std::move(work));
    co_return co_await running;
}

// The provider calls, by the same rule: awaited HTTP for async requests, blocking calls on the
// baseline's thread (whose registry lookups are answered on the engine thread).
QCoro::Task<Result<providers::RerankResult>> rerankStage(providers::ProviderRegistry *registry, bool blocking,
                                                         QString name, providers::RerankRequest request)
{
    if (blocking) {
        const auto reranker = registry->rerankerBlocking(name);
        if (!reranker || !*reranker)
            co_return fail(reranker ? QStringLiteral("no reranker") : reranker.error());
        co_return (*reranker)->rerankBlocking(request);
    }
    auto finding = registry->reranker(name);
    const auto reranker = co_await finding;
    if (!reranker || !*reranker)
        co_return fail(reranker ? QStringLiteral("no reranker") : reranker.error());
    auto reranking = (*reranker)->rerank(request);
    co_return co_await reranking;
}

QCoro::Task<Result<providers::ChatAnswer>> answerStage(providers::ProviderRegistry *registry, bool blocking, QString name,
                                                       providers::ChatRequest request, providers::ChatDeltaSink onDelta)
{
    if (blocking) {
        const auto model = registry->chatModelBlocking(name);
        if (!model)
            co_return model.failure();
        co_return (*model)->completeBlocking(request, onDelta);
    }
    auto finding = registry->chatModel(name);
    const auto model = co_await finding;
    if (!model)
        co_return model.failure();
    auto answering = (*model)->complete(request, onDelta);
    co_return co_await answering;
}

bool sameProviders(const QStringList &a, const QStringList &b)
{
    return QSet<QString>(a.begin(), a.end()) == QSet<QString>(b.begin(), b.end());
}

} // namespace

QCoro::Task<Result<AskResult>> ChatEngine::runStages(std::shared_ptr<Request> request)
{
    Request &r = *request;
    const bool blocking = r.blocking();
    store::Database *database = &m_workspace.database();
    {
        StageScope scope(m_statistics, Stage::Load);
        // Each task named before it is awaited: GCC 12 destroys the captures of a temporary
        // lambda inside a co_await expression twice.
        auto loading = onPool(blocking, &m_dbPool, [workspace = &m_workspace, database, options = r.options]() -> Result<LoadedContext> {
            auto context = loadContext(*database, options);
            if (!context)
                return context;
            auto embedders = workspace->providerEmbedders(context->spec.knowledgeBases);
            if (!embedders)
                return embedders.failure();
            context->embedders = *embedders;
            return context;
        });
        auto loaded = co_await loading;
        if (!loaded)
            co_return loaded.failure();
        r.context = *loaded;
    }
    r.trace.mark(Stage::Load);
    if (r.stopped())
        co_return stopped(r, QStringLiteral("loading the assistant"));
    const store::AssistantSpec spec = r.context.spec;
    if (auto fits = checkQuestionFits(spec, r.options.question); !fits)
        co_return fits.failure(); // before the search it would waste
    const bool rerank = usesReranker(spec);
    QList<index::SearchHit> hits;
    // Twice at most: a knowledge base re-embedded since it was last searched here fails its
    // search, which tells the workspace its new embedder; the question is then embedded again.
    for (int attempt = 0; attempt < 2; ++attempt) {
        // The built-in embedder weighs the question's words by the knowledge base's term
        // statistics, so it embeds the question inside the search (its time is part of
        // "search"); embedding providers are called here, as a stage of their own.
        Workspace::QueryVectors queryVectors;
        if (!r.context.embedders.isEmpty()) {
            StageScope scope(m_statistics, Stage::Embed);
            providers::EmbedRequest request;
            request.texts = {r.options.question};
            request.cancel = r.token;
            if (r.options.deadline.count() > 0)
                request.deadline = r.remaining();
            auto embedding = embedQuestion(m_registry.get(), blocking, r.context.embedders, request);
            auto embedded = co_await embedding;
            if (!embedded)
                r.noteTimeoutAtDeadline(embedded.errorKind());
            if (r.stopped() || r.deadlineHit)
                co_return stopped(r, QStringLiteral("embedding the question"));
            if (!embedded && attempt == 0) {
                // The knowledge bases may have another embedder by now (the failing one removed).
                auto rereading = onPool(blocking, &m_dbPool, [workspace = &m_workspace, kbs = spec.knowledgeBases] {
                    return workspace->providerEmbedders(kbs, true);
                });
                const Result<QStringList> now = co_await rereading;
                if (now && !sameProviders(*now, r.context.embedders)) {
                    r.context.embedders = *now;
                    continue;
                }
            }
            if (!embedded)
                co_return embedded.failure();
            queryVectors = std::move(*embedded);
        }
        r.trace.mark(Stage::Embed);

        StageScope scope(m_statistics, Stage::Search);
        auto searching = onPool(blocking, &m_cpuPool, [workspace = &m_workspace, spec, question = r.options.question, rerank,
                                                       vectors = std::move(queryVectors)] {
            Result<QList<index::SearchHit>> found = searchCandidates(*workspace, spec, question, rerank, vectors);
            // A failed search has refreshed what the workspace knows of the embedders.
            const Result<QStringList> embedders = found ? Result<QStringList>(QStringList())
                                                        : workspace->providerEmbedders(spec.knowledgeBases);
            return std::pair{std::move(found), embedders ? *embedders : QStringList()};
        });
        auto searched = co_await searching;
        if (searched.first) {
            hits = std::move(*searched.first);
            break;
        }
        const QStringList &now = searched.second;
        if (attempt > 0 || sameProviders(now, r.context.embedders))
            co_return searched.first.failure();
        r.context.embedders = now;
    }
    r.trace.mark(Stage::Search);
    if (r.stopped())
        co_return stopped(r, QStringLiteral("search"));

    if (rerank && !hits.isEmpty()) {
        StageScope scope(m_statistics, Stage::Rerank);
        auto reranking = rerankStage(m_registry.get(), blocking, spec.reranker, r.rerankRequest(hits));
        const Result<providers::RerankResult> scored = co_await reranking;
        m_statistics.noteRerank(scored.ok());
        if (r.stopped())
            co_return stopped(r, QStringLiteral("rerank"));
        hits = r.ranked(std::move(hits), scored);
    } else if (rerank) {
        hits = rankByHybrid(std::move(hits), spec);
    }
    r.trace.mark(Stage::Rerank);

    QString answer;
    if (hits.isEmpty() && !spec.emptyResponse.isEmpty()) {
        r.result.emptyResponse = true; // nothing to answer from: no model call
        r.trace.mark(Stage::Prompt);
        r.trace.mark(Stage::FirstToken);
        r.pushDelta(spec.emptyResponse);
        answer = spec.emptyResponse;
        r.result.completionTokens = text::countTokens(answer);
    } else {
        const Prompt prompt = promptFor(r.context, hits, r.options.question);
        hits = hits.mid(0, prompt.chunksUsed);
        r.trace.mark(Stage::Prompt);
        Request *raw = &r;
        const providers::ChatDeltaSink onDelta = [raw](const providers::ChatDelta &delta) {
            if (!raw->trace.has(Stage::FirstToken))
                raw->trace.mark(Stage::FirstToken);
            if (!delta.content.isEmpty())
                raw->pushDelta(delta.content);
        };
        StageScope scope(m_statistics, Stage::LastChunk);
        auto answering = answerStage(m_registry.get(), blocking, spec.llm, r.chatRequest(prompt, hits), onDelta);
        auto answered = co_await answering;
        if (!answered)
            r.noteTimeoutAtDeadline(answered.errorKind());
        if (r.stopped() || r.deadlineHit)
            co_return stopped(r, QStringLiteral("the answer"));
        if (!answered)
            co_return answered.failure();
        r.result.extractive = answered->extractive;
        answer = answered->content;
        const bool reported = answered->usage && answered->usage->completionTokens > 0;
        r.result.promptTokens = reported ? answered->usage->promptTokens : prompt.tokens;
        r.result.completionTokens = reported ? answered->usage->completionTokens : text::countTokens(answer);
    }
    r.flushDeltas();
    r.trace.mark(Stage::LastChunk);
    r.finishAnswer(answer, hits);

    if (r.options.save) {
        StageScope scope(m_statistics, Stage::Save);
        auto saving = onPool(blocking, &m_dbPool,
                             [database, context = r.context, question = r.options.question, snapshot = r.toSave()] {
                                 return saveExchange(*database, context, question, snapshot);
                             });
        auto saved = co_await saving;
        if (!saved)
            co_return fail(QStringLiteral("the answer could not be saved: %1").arg(saved.error()), ErrorKind::Storage);
        r.result.conversationId = *saved;
    }
    r.trace.mark(Stage::Save);
    co_return r.result;
}

} // namespace rag::chat
