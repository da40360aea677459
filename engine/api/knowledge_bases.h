// The knowledge bases of a workspace and their documents, read as value snapshots. Creating,
// removing and ingesting stay with the Workspace, which owns the indexes they change.
#pragma once

#include "api/records.h"

namespace rag::api {

// Each facade of this module is a small value: copy it to a worker thread and call it there.
// Every call reads through the calling thread's own database connection, so any thread may call
// it; none may be the GUI thread's loop if the answer is not needed at once.
class KnowledgeBases {
public:
    explicit KnowledgeBases(const Workspace &workspace);

    Result<QList<KnowledgeBase>> list() const;                      // by name, with counts
    Result<QList<StoredDocument>> documents(const QString &kbName) const;
    // One document's chunks, in their order in it.
    Result<QList<store::ChunkView>> documentChunks(const QString &kbName, const QString &documentPath) const;

private:
    std::shared_ptr<store::Database> m_database;
};

} // namespace rag::api
