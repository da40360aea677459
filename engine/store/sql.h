// Small helpers around QSqlQuery: run a statement with bound values and get a Result back,
// and a transaction guard that rolls back unless committed (a savepoint when nested).
#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

namespace rag::store {

Result<QSqlQuery> exec(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});

class Transaction {
public:
    explicit Transaction(QSqlDatabase db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool started() const { return m_started; }
    QString startError() const { return m_startError; }
    Result<void> commit();

private:
    void rollback();

    QSqlDatabase m_db;
    bool m_started = false;
    bool m_done = false;
    bool m_nested = false; // a savepoint inside the caller's transaction
    QString m_startError;
};

// Every read from construction to destruction sees one snapshot of the database, and the
// connection takes and releases its read lock once: per statement, in WAL mode, each is a look at
// the WAL index, and a remapping of the file when another connection has grown it (a search runs
// some seventy statements). A savepoint, so it nests inside a caller's transaction. Reads only.
class ReadSnapshot {
public:
    explicit ReadSnapshot(QSqlDatabase db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    QSqlDatabase m_db;
    bool m_started = false;
};

} // namespace rag::store
