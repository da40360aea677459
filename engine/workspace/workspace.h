// A data directory and the database it uses: the entry point of the engine's synchronous API
// (knowledge bases, ingestion, search). Owns the vector indexes and the built-in embedder.
#pragma once

#include "core/result.h"
#include "index/builtin_embedder.h"
#include "index/hybrid_searcher.h"
#include "index/lexical_index_store.h"
#include "index/vector_index_store.h"
#include "ingest/ingest_job.h"
#include "ingest/reembed_job.h"
#include "store/database.h"
#include "store/records.h"

#include <QHash>
#include <QMutex>

#include <memory>
#include <vector>

namespace rag {

struct WorkspaceConfig {
    QString dataDir;  // empty: the XDG data location
    QString database; // empty: sqlite:<dataDir>/ragdesk.sqlite
    index::VectorIndexOptions vectorIndex;
};

QString defaultDataDir();

// The embedding providers (each once, "builtin" left out) of knowledge bases with these embedders.
QStringList providerEmbedders(const QStringList &embedders);

class Workspace {
public:
    static Result<std::unique_ptr<Workspace>> open(const WorkspaceConfig &config);

    // A provider embedder's spec must carry the dimension of its vectors (api::ProviderCalls
    // learns it); "builtin" (or no embedder) gets the built-in embedder's.
    Result<store::KnowledgeBase> createKnowledgeBase(store::KnowledgeBaseSpec spec);
    Result<store::KnowledgeBase> knowledgeBase(const QString &name);
    Result<void> removeKnowledgeBase(const QString &name);
    // Removes these documents (by stored path) with their chunks and vectors, in one
    // transaction; the indexes follow. Returns how many were removed (unknown paths are skipped).
    Result<int> removeDocuments(const QString &kbName, const QStringList &paths);

    // A knowledge base embedded by a provider also needs the job's chunk embedder set.
    Result<std::unique_ptr<ingest::IngestJob>> ingestJob(const QString &kbName, const QStringList &paths);
    // Re-embeds the knowledge base with `embedder` (its vectors have `dimension` dimensions); a
    // provider also needs the job's chunk embedder (api::ProviderCalls).
    Result<std::unique_ptr<ingest::ReembedJob>> reembedJob(const QString &kbName, const QString &embedder, int dimension,
                                                           ingest::ChunkEmbedder *chunkEmbedder);
    // The embedding providers of these knowledge bases (not "builtin"), as their last search in
    // this workspace found them, or looked up for one not searched yet: no query on an answer's
    // path. One re-embedded since is found out by its next search, which updates this; `reread`
    // reads them all from the database now.
    Result<QStringList> providerEmbedders(const QStringList &kbNames, bool reread = false);
    // The query embedded by each embedding provider of the knowledge bases searched, by provider
    // name; the built-in embedder embeds it during the search.
    using QueryVectors = QHash<QString, std::vector<float>>;
    Result<index::SearchResult> search(const QString &kbName, const QString &query, const index::SearchOptions &options,
                                       const QueryVectors &queryVectors = {});

    const QString &dataDir() const { return m_dataDir; }
    store::Database &database() { return *m_database; }
    std::shared_ptr<store::Database> sharedDatabase() const { return m_database; }
    index::VectorIndexStore &vectorIndexes() { return m_vectors; }
    index::LexicalIndexStore &lexicalIndexes() { return m_terms; }
    const index::BuiltinEmbedder &embedder() const { return m_embedder; }

private:
    Workspace(QString dataDir, std::shared_ptr<store::Database> database, index::VectorIndexOptions options);

    QString m_dataDir;
    std::shared_ptr<store::Database> m_database;
    index::VectorIndexStore m_vectors;
    index::BuiltinEmbedder m_embedder;
    index::LexicalIndexStore m_terms;
    QMutex m_embeddersMutex;
    QHash<QString, QString> m_embedders; // knowledge base name -> its embedder, as last read
};

} // namespace rag
