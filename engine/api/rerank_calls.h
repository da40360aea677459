// The rerank call log as recorded (docs/providers.md, "The rerank call log"), read as value snapshots from any thread
// (see KnowledgeBases). The engine's RerankCallLog writes it.
#pragma once

#include "api/records.h"
#include "providers/rerank_replay.h"

namespace rag::api {

using providers::RerankReplayReport;
using providers::RerankReplayRow;

class RerankCalls {
public:
    explicit RerankCalls(const Workspace &workspace);

    Result<QList<RerankCallRecord>> query(const RerankCallFilter &filter) const; // newest first
    Result<RerankCallRecord> find(qint64 id) const;                              // with bodies
    Result<qint64> count() const;                                                // every recorded call
    // Re-sends call `id`'s query and documents to `reranker` (a configured provider, or
    // "builtin") and ranks both ways (docs/providers.md, "Replaying a call"). Blocks the calling
    // thread, which runs a short event loop of its own, until the replay ends or `cancel` fires.
    RerankReplayReport replay(qint64 id, const QString &reranker, CancelTokenPtr cancel = {}) const;

private:
    std::shared_ptr<store::Database> m_database;
    QString m_dataDir; // where the key store's fallback file lives
};

} // namespace rag::api
