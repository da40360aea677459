// Re-embeds a knowledge base with another embedder (`ragdesk kb reembed`, docs/providers.md,
// "Changing the embedder"). Its chunks are read in pages of ids, embedded (by a provider through a
// ChunkEmbedder, several pages in flight, or by the built-in embedder on the CPU pool) and staged
// beside the old vectors, which keep serving every search meanwhile; when all are staged, one
// transaction swaps them in with the new embedder and dimension, and the vector index is rebuilt
// from them. Chunks ingested meanwhile are embedded before the swap. Cancel stops at once and
// leaves the knowledge base as it was.
#pragma once

#include "core/cancel_token.h"
#include "index/vector_index_store.h"
#include "ingest/chunk_embedder.h"
#include "store/database.h"
#include "store/records.h"

#include <atomic>
#include <functional>
#include <memory>

namespace rag::ingest {

struct ReembedProgress {
    qint64 chunksDone = 0;
    qint64 chunksTotal = 0;
};

struct ReembedReport {
    qint64 chunks = 0; // vectors swapped in
    bool cancelled = false;
    QString error; // why the knowledge base still has its old vectors; empty when done
    QString warning; // the new vectors are in, but something after the swap went wrong
    bool ok() const { return error.isEmpty() && !cancelled; }
};

class ReembedJob {
public:
    // `embedder`: the new embedder's name and `dimension` its vectors'; `chunkEmbedder` reaches a
    // provider, null for the built-in embedder.
    ReembedJob(std::shared_ptr<store::Database> database, index::VectorIndexStore &vectors, store::KnowledgeBase kb,
               QString embedder, int dimension, ChunkEmbedder *chunkEmbedder);

    static constexpr int kPageChunks = 256;   // chunks read, embedded and staged together
    static constexpr int kPagesInFlight = 2;  // pages with the provider at once

    // Called on the thread that runs the job.
    void setProgressHandler(std::function<void(const ReembedProgress &)> handler) { m_onProgress = std::move(handler); }
    void cancel()
    {
        m_cancelled = true;
        m_cancel->cancel();
    }

    ReembedReport run(); // blocks

private:
    Result<void> embedAll(const QSqlDatabase &db, ReembedProgress &progress);

    std::shared_ptr<store::Database> m_database;
    index::VectorIndexStore &m_vectors;
    store::KnowledgeBase m_kb;
    QString m_embedder;
    int m_dimension = 0;
    ChunkEmbedder *m_chunkEmbedder = nullptr;
    std::function<void(const ReembedProgress &)> m_onProgress;
    std::atomic<bool> m_cancelled{false};
    CancelTokenPtr m_cancel = CancelToken::create();
};

} // namespace rag::ingest
