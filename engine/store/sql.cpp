#include "store/sql.h"

#include "core/logging.h"

#include <QSqlError>

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
Transaction::Transaction(QSqlDatabase db) : m_db(std::move(db))
{
    QSqlQuery begin(m_db);
    m_started = begin.exec(QStringLiteral("BEGIN IMMEDIATE"));
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

Transaction::~Transaction()
{
    QString error;
    if (m_started && !m_done && !finishTransaction(m_db, QStringLiteral("ROLLBACK"), &error))
        qCWarning(lcStore) << "rollback failed:" << error;
}

Result<void> Transaction::commit()
{
    if (!m_started)
        return fail(QStringLiteral("database error: could not begin a transaction: %1").arg(m_startError));
    m_done = true;
    QString error;
    if (!finishTransaction(m_db, QStringLiteral("COMMIT"), &error)) {
        QString ignored;
        finishTransaction(m_db, QStringLiteral("ROLLBACK"), &ignored);
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
