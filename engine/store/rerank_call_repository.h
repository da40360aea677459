// The rerank call log in the database: appends batches of calls, answers filtered queries
// newest first, and keeps at most a retention limit of rows.
#pragma once

#include "core/result.h"
#include "store/provider_records.h"

#include <QSqlDatabase>

namespace rag::store {

class RerankCallRepository {
public:
    explicit RerankCallRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> append(const QList<RerankCallRecord> &calls); // one transaction
    Result<QList<RerankCallRecord>> query(const RerankCallFilter &filter);
    Result<RerankCallRecord> find(qint64 id); // with bodies
    Result<qint64> count();
    // Deletes the oldest rows beyond `keep`; returns how many went.
    Result<qint64> prune(qint64 keep);

private:
    QSqlDatabase m_db;
};

} // namespace rag::store
