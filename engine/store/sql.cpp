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

Transaction::Transaction(QSqlDatabase db) : m_db(std::move(db))
{
    m_started = m_db.transaction();
    if (!m_started)
        m_startError = m_db.lastError().text();
}

Transaction::~Transaction()
{
    if (m_started && !m_done && !m_db.rollback())
        qCWarning(lcStore) << "rollback failed:" << m_db.lastError().text();
}

Result<void> Transaction::commit()
{
    if (!m_started)
        return fail(QStringLiteral("database error: could not begin a transaction: %1").arg(m_startError));
    m_done = true;
    if (!m_db.commit()) {
        const QString error = m_db.lastError().text();
        m_db.rollback();
        return fail(QStringLiteral("database error: commit failed: %1").arg(error));
    }
    return {};
}

} // namespace rag::store
