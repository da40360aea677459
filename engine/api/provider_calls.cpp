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

// Calls in flight on the provider thread, and who waits for the last one to end.
struct ProviderActivity {
    int running = 0;
    std::function<void()> onIdle;
};

namespace {

// The calls, on the provider thread. Free functions: their arguments live in their frames across
// suspensions.
QCoro::Task<Result<Vectors>> embedVectors(providers::ProviderRegistry *registry, QString provider,
                                          providers::EmbedRequest request)
{
    auto finding = registry->embedder(provider);
    const Result<providers::Embedder *> embedder = co_await finding;
    if (!embedder)
        co_return fail(embedder.error());
    auto embedding = (*embedder)->embed(request);
    Result<providers::EmbedResult> embedded = co_await embedding;
    if (!embedded)
        co_return fail(embedded.error());
    co_return std::move(embedded->vectors);
}

QCoro::Task<Result<QList<double>>> rerankScores(providers::ProviderRegistry *registry, QString reranker,
                                                providers::RerankRequest request)
{
    auto finding = registry->reranker(reranker);
    const Result<providers::Reranker *> found = co_await finding;
    if (!found || !*found)
        co_return fail(found ? QStringLiteral("no reranker") : found.error());
    auto reranking = (*found)->rerank(request);
    const Result<providers::RerankResult> scored = co_await reranking;
    if (!scored)
        co_return fail(scored.error());
    co_return scored->scores;
}

// Runs one call on the provider thread, counted as activity, and hands its result to `promise`.
template <typename T>
QCoro::Task<void> settle(std::shared_ptr<ProviderActivity> activity, std::shared_ptr<QPromise<Result<T>>> promise,
                         std::function<QCoro::Task<Result<T>>()> call)
{
    ++activity->running;
    auto calling = call();
    promise->addResult(co_await calling);
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

template <typename T>
QFuture<Result<T>> ProviderCalls::onThread(std::function<QCoro::Task<Result<T>>()> call)
{
    auto promise = std::make_shared<QPromise<Result<T>>>();
    QFuture<Result<T>> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(
        m_worker.context(), [activity = m_activity, promise, call] { settle<T>(activity, promise, call); },
        Qt::QueuedConnection);
    return future;
}

QFuture<Result<Vectors>> ProviderCalls::embed(const QString &provider, const QStringList &texts, CancelTokenPtr cancel)
{
    providers::EmbedRequest request;
    request.texts = texts;
    request.cancel = CancelToken::linkedTo(cancel, m_shutdown);
    return onThread<Vectors>([registry = m_registry, provider, request] { return embedVectors(registry, provider, request); });
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
    if (spec.embedder.isEmpty() || spec.embedder == index::BuiltinEmbedder::name()) {
        spec.embedder = index::BuiltinEmbedder::name();
        spec.dimension = index::BuiltinEmbedder::kDimension;
        return spec;
    }
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
    QStringList kbEmbedders;
    for (const KnowledgeBase &kb : kbs)
        kbEmbedders.append(kb.spec.embedder);
    QHash<QString, QFuture<Result<Vectors>>> pending;
    for (const QString &provider : providerEmbedders(kbEmbedders))
        pending.insert(provider, embed(provider, {query}, cancel)); // all providers at once
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
    QFuture<Result<QList<double>>> future = onThread<QList<double>>(
        [registry = m_registry, reranker, request] { return rerankScores(registry, reranker, request); });
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
