#include "store/database.h"

#include "core/logging.h"
#include "store/migrations.h"
#include "store/sql.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>

#include <vector>

namespace rag::store {

namespace {
QAtomicInt nextDatabaseId;
QAtomicInteger<quint64> nextThreadSerial;
constexpr int kBusyTimeoutMs = 10000;

// A serial per thread, never reused: a QThread* address can be, once its thread is gone.
quint64 currentThreadSerial()
{
    thread_local const quint64 serial = nextThreadSerial.fetchAndAddRelaxed(1);
    return serial;
}

// The connections this thread opened, closed as it ends: by a thread_local destructor, which runs
// on the ending thread itself (the only one that may close them) for pool threads, QThreads and
// plain threads alike, and before Qt lets go of the thread's own data.
class ThreadConnections {
public:
    ~ThreadConnections()
    {
        for (const auto &[weak, name] : m_opened) {
            const auto connections = weak.lock();
            if (!connections)
                continue; // the Database closed it already
            QMutexLocker lock(&connections->mutex);
            if (connections->names.remove(name))
                QSqlDatabase::removeDatabase(name);
        }
    }
    void add(std::weak_ptr<Database::Connections> connections, const QString &name)
    {
        m_opened.emplace_back(std::move(connections), name);
    }

private:
    std::vector<std::pair<std::weak_ptr<Database::Connections>, QString>> m_opened;
};

void closeWhenThisThreadEnds(const std::shared_ptr<Database::Connections> &connections, const QString &name)
{
    thread_local ThreadConnections opened;
    opened.add(connections, name);
}
} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString &url)
{
    if (url.startsWith(QLatin1String("postgresql://")) || url.startsWith(QLatin1String("postgres://")))
        return fail(QStringLiteral("PostgreSQL databases are not supported by this build yet; use sqlite:PATH"));
    DatabaseUrl parsed;
    QString path = url;
    if (path.startsWith(QLatin1String("sqlite:")))
        path = path.mid(7);
    else if (path.contains(QLatin1String("://")))
        return fail(QStringLiteral("unknown database URL '%1': expected sqlite:PATH").arg(url));
    if (path.isEmpty())
        return fail(QStringLiteral("the database URL '%1' names no file").arg(url));
    parsed.sqlitePath = QFileInfo(path).absoluteFilePath();
    return parsed;
}

Database::Database(DatabaseUrl url)
    : m_url(std::move(url)), m_prefix(QStringLiteral("ragdesk-%1-").arg(nextDatabaseId.fetchAndAddRelaxed(1)))
{
}

Result<std::shared_ptr<Database>> Database::open(const DatabaseUrl &url)
{
    const QFileInfo file(url.sqlitePath);
    if (!QDir().mkpath(file.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(file.absolutePath()));
    if (!file.exists()) {
        // Made here, empty, readable by the user alone, before SQLite opens it: SQLite creates
        // its -wal and -shm files with the database file's permissions.
        QFile empty(url.sqlitePath);
        if (!empty.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot create the database %1: %2").arg(url.sqlitePath, empty.errorString()));
        empty.close();
        QFile::setPermissions(url.sqlitePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    std::shared_ptr<Database> database(new Database(url));
    const QSqlDatabase db = database->connection();
    if (!db.isOpen())
        return fail(QStringLiteral("cannot open the database %1: %2").arg(url.sqlitePath, db.lastError().text()));
    auto version = migrate(db);
    if (!version)
        return fail(version.error());
    database->m_schemaVersion = *version;
    return database;
}

Database::~Database()
{
    QMutexLocker lock(&m_connections->mutex);
    // Connections of other threads cannot be fetched from this one; removing them closes them.
    for (const QString &name : std::as_const(m_connections->names))
        QSqlDatabase::removeDatabase(name);
    m_connections->names.clear();
}

int Database::openConnections() const
{
    QMutexLocker lock(&m_connections->mutex);
    return int(m_connections->names.size());
}

QSqlDatabase Database::connection()
{
    const QString name = m_prefix + QString::number(currentThreadSerial());
    {
        QMutexLocker lock(&m_connections->mutex);
        if (m_connections->names.contains(name))
            return QSqlDatabase::database(name, false);
    }
    auto opened = openConnection(name);
    QMutexLocker lock(&m_connections->mutex);
    m_connections->names.insert(name);
    closeWhenThisThreadEnds(m_connections, name);
    if (!opened) {
        qCWarning(lcStore) << opened.error();
        return QSqlDatabase::database(name, false);
    }
    return *opened;
}

Result<QSqlDatabase> Database::openConnection(const QString &name)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_url.sqlitePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open())
        return fail(QStringLiteral("cannot open %1: %2").arg(m_url.sqlitePath, db.lastError().text()));
    // WAL lets searches read while an ingest writes; NORMAL sync is durable against process
    // crashes, which is what ingestion's all-or-nothing promise is about.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                               "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-65536",
                               "PRAGMA mmap_size=1073741824"}) {
        if (auto done = exec(db, QString::fromLatin1(pragma)); !done)
            return fail(done.error());
    }
    return db;
}

} // namespace rag::store
