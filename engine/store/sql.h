// Small helpers around QSqlQuery: run a statement with bound values and get a Result back,
// and a transaction guard that rolls back unless committed.
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
    QSqlDatabase m_db;
    bool m_started = false;
    bool m_done = false;
    QString m_startError;
};

} // namespace rag::store
