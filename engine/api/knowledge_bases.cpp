#include "api/knowledge_bases.h"

#include "store/chunk_repository.h"
#include "store/database.h"
#include "store/document_repository.h"
#include "store/knowledge_base_repository.h"
#include "workspace/workspace.h"

namespace rag::api {

KnowledgeBases::KnowledgeBases(const Workspace &workspace) : m_database(workspace.sharedDatabase()) {}

Result<QList<KnowledgeBase>> KnowledgeBases::list() const
{
    return store::KnowledgeBaseRepository(m_database->connection()).list();
}

Result<QList<StoredDocument>> KnowledgeBases::documents(const QString &kbName) const
{
    auto kb = store::KnowledgeBaseRepository(m_database->connection()).lookup(kbName);
    if (!kb)
        return fail(kb.error());
    return store::DocumentRepository(m_database->connection()).list(kb->id);
}

Result<QList<store::ChunkView>> KnowledgeBases::documentChunks(const QString &kbName, const QString &documentPath) const
{
    auto kb = store::KnowledgeBaseRepository(m_database->connection()).lookup(kbName);
    if (!kb)
        return fail(kb.error());
    return store::ChunkRepository(m_database->connection()).documentChunks(kb->id, documentPath);
}

} // namespace rag::api
