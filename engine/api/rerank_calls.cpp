#include "api/rerank_calls.h"

#include "store/database.h"
#include "store/rerank_call_repository.h"
#include "workspace/workspace.h"

namespace rag::api {

RerankCalls::RerankCalls(const Workspace &workspace)
    : m_database(workspace.sharedDatabase()), m_dataDir(workspace.dataDir())
{
}

Result<QList<RerankCallRecord>> RerankCalls::query(const RerankCallFilter &filter) const
{
    return store::RerankCallRepository(m_database->connection()).query(filter);
}

Result<RerankCallRecord> RerankCalls::find(qint64 id) const
{
    return store::RerankCallRepository(m_database->connection()).find(id);
}

Result<qint64> RerankCalls::count() const
{
    return store::RerankCallRepository(m_database->connection()).count();
}

RerankReplayReport RerankCalls::replay(qint64 id, const QString &reranker, CancelTokenPtr cancel) const
{
    return providers::replayRerankCall(m_database, m_dataDir, id, reranker, std::move(cancel));
}

} // namespace rag::api
