// Provider calls for the engine's synchronous side: `kb create`, ingestion and `search` on a
// knowledge base that a provider embeds (docs/providers.md, "Knowledge bases embedded by a
// provider"), and `search --reranker`. A thread of its own carries a ProviderRegistry and every
// HTTP call, so the command or the ingest job's thread may wait on the futures; calls are
// asynchronous there, several batches in flight, with the provider's retries and limits. Rerank
// calls land in the call log like the chat pipeline's.
#pragma once

#include "api/records.h"
#include "core/worker_thread.h"
#include "index/hybrid_searcher.h"
#include "ingest/chunk_embedder.h"
#include "workspace/workspace.h"

#include <qcoro/qcorotask.h>

#include <functional>
#include <memory>

namespace rag::providers {
class ProviderRegistry;
class RerankCallLog;
}

namespace rag::api {

using ingest::Vectors;

struct ProviderActivity; // calls running on the thread

class ProviderCalls {
public:
    explicit ProviderCalls(const Workspace &workspace);
    // Cancels what is in flight and waits for it to unwind on the thread.
    ~ProviderCalls();
    ProviderCalls(const ProviderCalls &) = delete;
    ProviderCalls &operator=(const ProviderCalls &) = delete;

    // Thread-safe. Vectors as the provider gave them (not normalised), one per text, in order.
    QFuture<Result<Vectors>> embed(const QString &provider, const QStringList &texts, CancelTokenPtr cancel = {});

    // Blocking, from any thread but this object's own.
    // The dimension of the provider's vectors, by embedding a probe text: it also checks that the
    // provider exists, embeds and answers.
    Result<int> probeDimension(const QString &provider, CancelTokenPtr cancel = {});
    // The spec, checked, with its embedder's dimension filled in ("builtin" needs no probe).
    Result<KnowledgeBaseSpec> withDimension(KnowledgeBaseSpec spec, CancelTokenPtr cancel = {});
    // `query` embedded (unit length) by every provider that embeds one of these knowledge bases.
    Result<Workspace::QueryVectors> queryVectors(const QList<KnowledgeBase> &kbs, const QString &query,
                                                 CancelTokenPtr cancel = {});

    // Hits reranked by `reranker` (a provider, or "builtin") against `query`, then scored as the
    // chat pipeline does (index::rankByRerankScores with `options`). "none" keeps them as they are.
    Result<QList<index::SearchHit>> rerank(const QString &reranker, const QString &query, QList<index::SearchHit> hits,
                                           const index::SearchOptions &options, CancelTokenPtr cancel = {});

    // For IngestJob::setChunkEmbedder; it must not outlive this object.
    std::unique_ptr<ingest::ChunkEmbedder> chunkEmbedder(const QString &provider);

private:
    // Runs `call` on the provider thread; the future has its result.
    template <typename T>
    QFuture<Result<T>> onThread(std::function<QCoro::Task<Result<T>>()> call);

    WorkerThread m_worker{QStringLiteral("providers")};
    std::unique_ptr<providers::RerankCallLog> m_callLog;
    providers::ProviderRegistry *m_registry = nullptr; // lives on the thread
    CancelTokenPtr m_shutdown = CancelToken::create();
    std::shared_ptr<ProviderActivity> m_activity; // touched on the thread only
};

} // namespace rag::api
