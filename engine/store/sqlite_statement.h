// The SQLite C API on a connection's own handle, for the few reads on every search's path:
// QSqlQuery converts each text to UTF-16 inside SQLite, copies it into a QVariant and then into
// the caller's QString, and parses its statement again on every call.
#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QSqlDatabase>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace rag::store {

// The connection's sqlite3 handle, or null when it is not an SQLite connection.
sqlite3 *sqliteHandle(const QSqlDatabase &db);

class SqliteStatement {
public:
    // Prepared on `db`, which must be an SQLite connection that outlives the statement.
    static Result<SqliteStatement> prepare(const QSqlDatabase &db, const char *sql);
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    void bind(int parameter, qint64 value); // parameters count from 1, as in SQL
    // The next row: true while there is one. False at the end or on an error; error() tells which.
    bool next();
    // Ready to run again with new bindings.
    void reset();
    // Empty when the last next() reached the end, or what went wrong.
    QString error() const { return m_error; }

    // Columns of the current row, counted from 0.
    qint64 integer(int column) const;
    QString text(int column) const;
    // Valid until the next call of next() or reset().
    QByteArrayView blob(int column) const;

private:
    SqliteStatement(sqlite3 *db, sqlite3_stmt *statement) : m_db(db), m_statement(statement) {}

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_error;
};

} // namespace rag::store
