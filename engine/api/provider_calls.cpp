#include "api/provider_calls.h"

#include "index/builtin_embedder.h"
#include "providers/calllog/rerank_call_log.h"
#include "providers/embed/embedder.h"
#include "providers/rerank/reranker.h"
#include "providers/provider_registry.h"
#include "store/knowledge_base_repository.h"

#include <QCoreApplication>
#include <QPromise>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

namespace rag::api {

// Calls in flight on the embedding thread, and who waits for the last one to end.
struct ProviderActivity {
    int running = 0;
    std::function<void()> onIdle;
};

namespace {

using Promise = QPromise<Result<Vectors>>;

// On the embedding thread. A free function: its arguments live in its frame across suspensions.
QCoro::Task<void> embedOnThread(providers::ProviderRegistry *registry, std::shared_ptr<ProviderActivity> activity,
                                QString provider, providers::EmbedRequest request, std::shared_ptr<Promise> promise)
{
    ++activity->running;
    auto finding = registry->embedder(provider);
    const Result<providers::Embedder *> embedder = co_await finding;
    if (!embedder) {
        promise->addResult(fail(embedder.error()));
    } else {
        auto embedding = (*embedder)->embed(request);
        Result<providers::EmbedResult> embedded = co_await embedding;
        if (embedded)
            promise->addResult(Result<Vectors>(std::move(embedded->vectors)));
        else
            promise->addResult(fail(embedded.error()));
    }
    promise->finish();
    if (--activity->running == 0 && activity->onIdle)
        std::exchange(activity->onIdle, nullptr)();
}

QCoro::Task<void> rerankOnThread(providers::ProviderRegistry *registry, std::shared_ptr<ProviderActivity> activity,
                                 QString reranker, providers::RerankRequest request,
                                 std::shared_ptr<QPromise<Result<QList<double>>>> promise)
{
    ++activity->running;
    auto finding = registry->reranker(reranker);
    const Result<providers::Reranker *> found = co_await finding;
    if (!found) {
        promise->addResult(fail(found.error()));
    } else {
        auto reranking = (*found)->rerank(request);
        const Result<providers::RerankResult> scored = co_await reranking;
        if (scored)
            promise->addResult(Result<QList<double>>(scored->scores));
        else
            promise->addResult(fail(scored.error()));
    }
    promise->finish();
    if (--activity->running == 0 && activity->onIdle)
        std::exchange(activity->onIdle, nullptr)();
}

class ProviderChunkEmbedder : public ingest::ChunkEmbedder {
public:
    ProviderChunkEmbedder(ProviderCalls *owner, QString provider) : m_owner(owner), m_provider(std::move(provider)) {}
    QString name() const override { return m_provider; }
    QFuture<Result<Vectors>> embed(const QStringList &texts, CancelTokenPtr cancel) override
    {
        return m_owner->embed(m_provider, texts, std::move(cancel));
    }

private:
    ProviderCalls *m_owner;
    QString m_provider;
};

const QString kProbeText = QStringLiteral("ragdesk dimension probe");

} // namespace

ProviderCalls::ProviderCalls(const Workspace &workspace)
{
    m_activity = std::make_shared<ProviderActivity>();
    m_callLog = std::make_unique<providers::RerankCallLog>(workspace.sharedDatabase());
    m_worker.runAndWait([this, database = workspace.sharedDatabase(), dataDir = workspace.dataDir()] {
        m_registry = new providers::ProviderRegistry({database, dataDir, QThreadPool::globalInstance(), m_callLog.get()});
    });
}

ProviderCalls::~ProviderCalls()
{
    m_shutdown->cancel();
    m_worker.stop([this](const std::function<void()> &done) {
        auto teardown = [this, done] {
            delete m_registry;
            m_registry = nullptr;
            done();
        };
        if (m_activity->running == 0)
            teardown();
        else
            m_activity->onIdle = teardown; // cancelled calls unwind through this thread's loop first
    });
}

QFuture<Result<Vectors>> ProviderCalls::embed(const QString &provider, const QStringList &texts, CancelTokenPtr cancel)
{
    auto promise = std::make_shared<Promise>();
    QFuture<Result<Vectors>> future = promise->future();
    promise->start();
    providers::EmbedRequest request;
    request.texts = texts;
    request.cancel = CancelToken::linkedTo(cancel, m_shutdown);
    QMetaObject::invokeMethod(
        m_worker.context(),
        [registry = m_registry, activity = m_activity, provider, request, promise] {
            embedOnThread(registry, activity, provider, request, promise);
        },
        Qt::QueuedConnection);
    return future;
}

Result<int> ProviderCalls::probeDimension(const QString &provider, CancelTokenPtr cancel)
{
    const Result<Vectors> probed = embed(provider, {kProbeText}, std::move(cancel)).result();
    if (!probed)
        return fail(probed.error());
    if (probed->size() != 1)
        return fail(QStringLiteral("embedder '%1' gave %2 vectors for one text").arg(provider).arg(probed->size()));
    return int(probed->front().size());
}

Result<KnowledgeBaseSpec> ProviderCalls::withDimension(KnowledgeBaseSpec spec, CancelTokenPtr cancel)
{
    if (spec.embedder.isEmpty() || spec.embedder == index::BuiltinEmbedder::name())
        return spec;
    KnowledgeBaseSpec checked = spec;
    checked.dimension = 1; // the rest of the spec is checked before the provider is called
    if (auto valid = store::validateKnowledgeBaseSpec(checked); !valid)
        return fail(valid.error());
    auto dimension = probeDimension(spec.embedder, std::move(cancel));
    if (!dimension)
        return fail(QStringLiteral("cannot use embedder '%1': %2").arg(spec.embedder, dimension.error()));
    spec.dimension = *dimension;
    return spec;
}

Result<Workspace::QueryVectors> ProviderCalls::queryVectors(const QList<KnowledgeBase> &kbs, const QString &query,
                                                                 CancelTokenPtr cancel)
{
    Workspace::QueryVectors vectors;
    QHash<QString, QFuture<Result<Vectors>>> pending;
    for (const KnowledgeBase &kb : kbs) {
        const QString &provider = kb.spec.embedder;
        if (provider != index::BuiltinEmbedder::name() && !pending.contains(provider))
            pending.insert(provider, embed(provider, {query}, cancel)); // all providers at once
    }
    for (auto it = pending.begin(); it != pending.end(); ++it) {
        const Result<Vectors> embedded = it->result();
        if (!embedded)
            return fail(QStringLiteral("embedding the query with '%1': %2").arg(it.key(), embedded.error()));
        std::vector<float> vector = embedded->empty() ? std::vector<float>() : embedded->front();
        if (!index::normalizeVector(vector))
            return fail(QStringLiteral("embedder '%1' gave the query a vector of zeros").arg(it.key()));
        vectors.insert(it.key(), std::move(vector));
    }
    return vectors;
}

Result<QList<index::SearchHit>> ProviderCalls::rerank(const QString &reranker, const QString &query,
                                                      QList<index::SearchHit> hits, const index::SearchOptions &options,
                                                      CancelTokenPtr cancel)
{
    if (reranker == QLatin1String("none") || hits.isEmpty())
        return hits;
    providers::RerankRequest request;
    request.query = query;
    for (const index::SearchHit &hit : std::as_const(hits)) {
        request.documents.append(providers::rerankDocumentText(hit.chunk.document, hit.chunk.content));
        request.documentIds.append(hit.chunk.id); // so the call can be replayed from the log
    }
    request.cancel = CancelToken::linkedTo(cancel, m_shutdown);
    auto promise = std::make_shared<QPromise<Result<QList<double>>>>();
    QFuture<Result<QList<double>>> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(
        m_worker.context(),
        [registry = m_registry, activity = m_activity, reranker, request, promise] {
            rerankOnThread(registry, activity, reranker, request, promise);
        },
        Qt::QueuedConnection);
    const Result<QList<double>> scores = future.result();
    if (!scores)
        return fail(QStringLiteral("reranker '%1': %2").arg(reranker, scores.error()));
    return index::rankByRerankScores(std::move(hits), *scores, options);
}

std::unique_ptr<ingest::ChunkEmbedder> ProviderCalls::chunkEmbedder(const QString &provider)
{
    return std::make_unique<ProviderChunkEmbedder>(this, provider);
}

} // namespace rag::api
