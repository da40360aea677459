// Ingests files and folders into one knowledge base. Files are read, parsed, chunked and
// embedded on the CPU pool a few at a time; each document is then written in a savepoint of a
// batch transaction committed every quarter second (WriteBatch), and added to the vector index
// after that commit. Unchanged files (same content hash) are skipped, changed ones
// replaced; a file that fails is reported and the batch goes on. Cancel stops the files being
// prepared within a chunk's work, and the job after the file being written.
// A knowledge base embedded by a provider gets its vectors from a ChunkEmbedder between
// preparing and writing: several documents are with the provider at once, bounded by chunks.
#pragma once

#include "index/builtin_embedder.h"
#include "index/vector_index_store.h"
#include "ingest/chunk_embedder.h"
#include "ingest/ingest_limits.h"
#include "store/database.h"
#include "store/records.h"

#include <QMetaType>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace rag::ingest {

struct IngestFileOutcome {
    enum class Status { Added, Replaced, Unchanged, Failed, Skipped };
    QString path;
    Status status = Status::Failed;
    QString error;
    int chunks = 0;
};

struct IngestProgress {
    int filesDone = 0;
    int filesTotal = 0;
    qint64 chunksWritten = 0;
    qint64 bytesRead = 0;
    IngestFileOutcome last;
};

struct IngestReport {
    QList<IngestFileOutcome> files;
    bool cancelled = false;
    qint64 chunksWritten = 0;
    qint64 bytesRead = 0;
    QString fatalError; // the database or index failed: nothing after it was attempted

    int count(IngestFileOutcome::Status status) const;
    bool anyFailed() const { return count(IngestFileOutcome::Status::Failed) > 0 || !fatalError.isEmpty(); }
};

class IngestJob {
public:
    IngestJob(std::shared_ptr<store::Database> database, index::VectorIndexStore &vectors,
              const index::BuiltinEmbedder &embedder, store::KnowledgeBase kb, QStringList paths);

    // Called on the thread that runs the job, after every file.
    void setProgressHandler(std::function<void(const IngestProgress &)> handler) { m_onProgress = std::move(handler); }
    void setMaxFilesInFlight(int files) { m_maxInFlight = std::max(1, files); }
    // Files past a limit fail with its reason; the memory budget bounds the files prepared at once.
    void setLimits(const IngestLimits &limits) { m_limits = limits; }
    // Needed when the knowledge base's embedder is a provider; must outlive run().
    void setChunkEmbedder(ChunkEmbedder *embedder) { m_chunkEmbedder = embedder; }
    // Chunks with the provider at once, summed over documents (at least one document goes).
    static constexpr qsizetype kMaxChunksEmbedding = 512;
    // Thread-safe; the job stops after the file being written, and provider calls stop at once.
    void cancel()
    {
        m_cancelled = true;
        m_cancel->cancel();
    }
    bool isCancelled() const { return m_cancelled; }

    // Blocks until every file is done or the job is cancelled.
    IngestReport run();

private:
    struct FileWork;
    QList<IngestFileOutcome> collectFiles() const;
    bool usesProvider() const { return m_kb.spec.embedder != index::BuiltinEmbedder::name(); }
    void attachVectors(FileWork &work, const Result<Vectors> &vectors) const;

    std::shared_ptr<store::Database> m_database;
    index::VectorIndexStore &m_vectors;
    const index::BuiltinEmbedder &m_embedder;
    store::KnowledgeBase m_kb;
    QStringList m_paths;
    std::function<void(const IngestProgress &)> m_onProgress;
    int m_maxInFlight = 0;
    IngestLimits m_limits;
    ChunkEmbedder *m_chunkEmbedder = nullptr;
    std::atomic<bool> m_cancelled{false};
    CancelTokenPtr m_cancel = CancelToken::create();
};

} // namespace rag::ingest

Q_DECLARE_METATYPE(rag::ingest::IngestProgress)
Q_DECLARE_METATYPE(rag::ingest::IngestReport)
