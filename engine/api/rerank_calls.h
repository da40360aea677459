// The rerank call log as recorded (docs/providers.md, "The rerank call log"), read as value snapshots from any thread
// (see KnowledgeBases). The engine's RerankCallLog writes it.
#pragma once

#include "api/records.h"

namespace rag::api {

class RerankCalls {
public:
    explicit RerankCalls(const Workspace &workspace);

    Result<QList<RerankCallRecord>> query(const RerankCallFilter &filter) const; // newest first
    Result<RerankCallRecord> find(qint64 id) const;                              // with bodies
    Result<qint64> count() const;                                                // every recorded call

private:
    std::shared_ptr<store::Database> m_database;
};

} // namespace rag::api
