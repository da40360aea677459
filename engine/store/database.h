// The database a workspace lives in: parses the --db URL, hands each thread its own named
// connection (opened on first use with WAL and a busy timeout, closed when that thread ends)
// and runs migrations on open.
#pragma once

#include "core/result.h"

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace rag::store {

struct DatabaseUrl {
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString sqlitePath;

    // Accepts "sqlite:PATH"; a bare path is taken as SQLite too.
    static Result<DatabaseUrl> parse(const QString &url);
};

class Database {
public:
    static Result<std::shared_ptr<Database>> open(const DatabaseUrl &url);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // This thread's connection; the same one every time on the same thread. It is closed when the
    // thread finishes, so pool threads that expire and come back do not pile up connections
    // (each holds up to a 64 MB page cache).
    QSqlDatabase connection();
    int openConnections() const;
    const DatabaseUrl &url() const { return m_url; }
    int schemaVersion() const { return m_schemaVersion; }

    // Shared with what closes a connection as its thread ends, which may come after the
    // Database is gone.
    struct Connections {
        QMutex mutex;
        QSet<QString> names;
    };

private:
    explicit Database(DatabaseUrl url);
    Result<QSqlDatabase> openConnection(const QString &name);

    DatabaseUrl m_url;
    QString m_prefix;
    int m_schemaVersion = 0;
    std::shared_ptr<Connections> m_connections = std::make_shared<Connections>();
};

} // namespace rag::store
