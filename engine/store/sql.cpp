#include "store/sql.h"

#include "core/logging.h"
#include "store/sqlite_statement.h"

#include <QSqlError>

#include <sqlite3.h>

namespace rag::store {

Result<QSqlQuery> exec(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return fail(QStringLiteral("database error: %1").arg(query.lastError().text()));
    for (const QVariant &value : binds)
        query.addBindValue(value);
    if (!query.exec())
        return fail(QStringLiteral("database error: %1").arg(query.lastError().text()));
    return query;
}

// BEGIN IMMEDIATE takes the write lock up front, waiting through the busy timeout. A deferred
// BEGIN whose first statement reads would have to upgrade its lock later, and in WAL mode SQLite
// refuses that at once ("database is locked") when another connection wrote in between: exactly
// what happens when the call log's writer and a conversation save meet.
// Inside a caller's transaction (ingestion writes many documents per commit) it is a savepoint:
// committing releases it, and abandoning it undoes only its own writes.
Transaction::Transaction(QSqlDatabase db) : m_db(std::move(db))
{
    sqlite3 *handle = sqliteHandle(m_db);
    m_nested = handle && sqlite3_get_autocommit(handle) == 0;
    QSqlQuery begin(m_db);
    m_started = begin.exec(m_nested ? QStringLiteral("SAVEPOINT nested_write") : QStringLiteral("BEGIN IMMEDIATE"));
    if (!m_started)
        m_startError = begin.lastError().text();
}

static bool finishTransaction(const QSqlDatabase &db, const QString &statement, QString *error)
{
    QSqlQuery query(db);
    if (query.exec(statement))
        return true;
    *error = query.lastError().text();
    return false;
}

void Transaction::rollback()
{
    QString error;
    const bool undone = m_nested ? finishTransaction(m_db, QStringLiteral("ROLLBACK TO nested_write"), &error)
                                       && finishTransaction(m_db, QStringLiteral("RELEASE nested_write"), &error)
                                 : finishTransaction(m_db, QStringLiteral("ROLLBACK"), &error);
    if (!undone)
        qCWarning(lcStore) << "rollback failed:" << error;
}

Transaction::~Transaction()
{
    if (m_started && !m_done)
        rollback();
}

Result<void> Transaction::commit()
{
    if (!m_started)
        return fail(QStringLiteral("database error: could not begin a transaction: %1").arg(m_startError));
    m_done = true;
    QString error;
    if (!finishTransaction(m_db, m_nested ? QStringLiteral("RELEASE nested_write") : QStringLiteral("COMMIT"), &error)) {
        rollback();
        return fail(QStringLiteral("database error: commit failed: %1").arg(error));
    }
    return {};
}

ReadSnapshot::ReadSnapshot(QSqlDatabase db) : m_db(std::move(db))
{
    QSqlQuery begin(m_db);
    m_started = begin.exec(QStringLiteral("SAVEPOINT read_snapshot"));
    if (!m_started) // the reads still run, each in a transaction of its own
        qCWarning(lcStore) << "could not take a read snapshot:" << begin.lastError().text();
}

ReadSnapshot::~ReadSnapshot()
{
    QString error;
    if (m_started && !finishTransaction(m_db, QStringLiteral("RELEASE read_snapshot"), &error))
        qCWarning(lcStore) << "could not release a read snapshot:" << error;
}

} // namespace rag::store
