#include "store/database.h"
#include "store/knowledge_base_repository.h"
#include "store/migrations.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTest>

#include <thread>

using namespace rag;
using namespace rag::store;

namespace {
// What the repository stores for the built-in embedder (the Workspace fills the dimension in).
KnowledgeBaseSpec builtinSpec(const QString &name)
{
    KnowledgeBaseSpec spec;
    spec.name = name;
    spec.dimension = 512;
    return spec;
}
} // namespace

class TestMigrations : public QObject {
    Q_OBJECT

    QStringList tables(const QSqlDatabase &db)
    {
        QStringList names;
        auto query = exec(db, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        while (query && query->next())
            names.append(query->value(0).toString());
        return names;
    }

private Q_SLOTS:
    void emptyDatabaseGetsLatestSchema()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))});
        QVERIFY2(db, db ? "" : qPrintable(db.error()));
        QCOMPARE((*db)->schemaVersion(), latestSchemaVersion());
        const QStringList names = tables((*db)->connection());
        for (const char *table : {"knowledge_bases", "documents", "chunks", "chunk_terms", "vectors", "schema_migrations"})
            QVERIFY2(names.contains(QString::fromLatin1(table)), table);
        auto mode = exec((*db)->connection(), QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(mode && mode->next());
        QCOMPARE(mode->value(0).toString(), QStringLiteral("wal"));
    }

    void reopeningKeepsDataAndDoesNotRerun()
    {
        QTemporaryDir dir;
        const DatabaseUrl url{DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))};
        {
            auto db = Database::open(url);
            QVERIFY(db);
            QVERIFY(KnowledgeBaseRepository((*db)->connection()).create(builtinSpec(QStringLiteral("kept"))));
        }
        auto db = Database::open(url);
        QVERIFY(db);
        QVERIFY(KnowledgeBaseRepository((*db)->connection()).find(QStringLiteral("kept")));
        auto count = exec((*db)->connection(), QStringLiteral("SELECT COUNT(*) FROM schema_migrations"));
        QVERIFY(count && count->next());
        QCOMPARE(count->value(0).toInt(), schemaMigrations().size());
    }

    void newMigrationUpgradesAnExistingDatabase()
    {
        QTemporaryDir dir;
        const DatabaseUrl url{DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))};
        auto db = Database::open(url);
        QVERIFY(db);
        QSqlDatabase connection = (*db)->connection();
        QVERIFY(KnowledgeBaseRepository(connection).create(builtinSpec(QStringLiteral("before"))));

        QList<Migration> grown = schemaMigrations();
        grown.append({latestSchemaVersion() + 1, QStringLiteral("test: notes"),
                      {QStringLiteral("ALTER TABLE knowledge_bases ADD COLUMN note TEXT NOT NULL DEFAULT 'none'")}});
        auto version = migrate(connection, grown);
        QVERIFY2(version, version ? "" : qPrintable(version.error()));
        QCOMPARE(*version, latestSchemaVersion() + 1);
        auto note = exec(connection, QStringLiteral("SELECT note FROM knowledge_bases WHERE name = 'before'"));
        QVERIFY(note && note->next());
        QCOMPARE(note->value(0).toString(), QStringLiteral("none"));
    }

    void failingMigrationRollsBackWhole()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))});
        QVERIFY(db);
        QSqlDatabase connection = (*db)->connection();
        QList<Migration> broken = schemaMigrations();
        broken.append({latestSchemaVersion() + 1, QStringLiteral("test: half"),
                       {QStringLiteral("CREATE TABLE half_done (x INTEGER)"), QStringLiteral("THIS IS NOT SQL")}});
        auto version = migrate(connection, broken);
        QVERIFY(!version);
        QVERIFY(version.error().contains(QStringLiteral("test: half")));
        QVERIFY(!tables(connection).contains(QStringLiteral("half_done")));
        QCOMPARE(*schemaVersion(connection), latestSchemaVersion());
    }

    void databaseFromTheFutureIsRefused()
    {
        QTemporaryDir dir;
        const DatabaseUrl url{DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))};
        {
            auto db = Database::open(url);
            QVERIFY(db);
            QVERIFY(exec((*db)->connection(), QStringLiteral("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")));
        }
        auto db = Database::open(url);
        QVERIFY(!db);
        QVERIFY(db.error().contains(QStringLiteral("newer")));
    }

    void eachThreadGetsItsOwnConnection()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))});
        QVERIFY(db);
        const QString mine = (*db)->connection().connectionName();
        QCOMPARE((*db)->connection().connectionName(), mine);
        QString theirs;
        bool theirsWorks = false;
        std::thread other([&] {
            QSqlDatabase connection = (*db)->connection();
            theirs = connection.connectionName();
            theirsWorks = bool(exec(connection, QStringLiteral("SELECT COUNT(*) FROM knowledge_bases")));
        });
        other.join();
        QVERIFY(!theirs.isEmpty());
        QVERIFY(theirs != mine);
        QVERIFY(theirsWorks);
    }

    // A search's reads share one snapshot: what another connection commits meanwhile shows from
    // the next one on, and a snapshot nests inside a transaction of the caller's.
    void aReadSnapshotSeesOneStateAndTheNextSeesCommits()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))});
        QVERIFY(db);
        const QSqlDatabase mine = (*db)->connection();
        auto count = [&] {
            auto query = exec(mine, QStringLiteral("SELECT COUNT(*) FROM knowledge_bases"));
            return query && query->next() ? query->value(0).toInt() : -1;
        };
        auto createFromAnotherThread = [&](const QString &name) {
            bool created = false;
            std::thread other([&] { created = bool(KnowledgeBaseRepository((*db)->connection()).create(builtinSpec(name))); });
            other.join();
            return created;
        };
        {
            const ReadSnapshot snapshot(mine);
            QCOMPARE(count(), 0);
            QVERIFY(createFromAnotherThread(QStringLiteral("first")));
            QCOMPARE(count(), 0); // still the state the snapshot began with
        }
        QCOMPARE(count(), 1);
        QVERIFY(exec(mine, QStringLiteral("CREATE TABLE scratch (x INTEGER)")));
        {
            Transaction transaction(mine);
            QVERIFY(transaction.started());
            QVERIFY(exec(mine, QStringLiteral("INSERT INTO scratch VALUES (1)")));
            {
                const ReadSnapshot nested(mine);
                auto rows = exec(mine, QStringLiteral("SELECT COUNT(*) FROM scratch"));
                QVERIFY(rows && rows->next());
                QCOMPARE(rows->value(0).toInt(), 1); // the caller's own write, inside its transaction
            }
            QVERIFY(transaction.commit());
        }
        auto rows = exec(mine, QStringLiteral("SELECT COUNT(*) FROM scratch"));
        QVERIFY(rows && rows->next());
        QCOMPARE(rows->value(0).toInt(), 1);
    }

    // Ingestion writes each document in a transaction nested in a batch's: a document that fails
    // must undo only its own rows, and nothing is visible to others before the batch commits.
    void nestedTransactionsAreSavepointsOfTheOuterOne()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("n.sqlite"))});
        QVERIFY(db);
        const QSqlDatabase mine = (*db)->connection();
        QVERIFY(exec(mine, QStringLiteral("CREATE TABLE scratch (x INTEGER)")));
        auto rowsSeenByAnotherThread = [&] {
            int seen = -1;
            std::thread other([&] {
                auto query = exec((*db)->connection(), QStringLiteral("SELECT group_concat(x) FROM scratch"));
                seen = query && query->next() ? query->value(0).toString().toInt() : -1;
            });
            other.join();
            return seen;
        };
        {
            Transaction batch(mine);
            QVERIFY(batch.started());
            {
                Transaction kept(mine);
                QVERIFY(kept.started());
                QVERIFY(exec(mine, QStringLiteral("INSERT INTO scratch VALUES (1)")));
                QVERIFY(kept.commit());
            }
            {
                Transaction abandoned(mine); // rolled back when it goes out of scope
                QVERIFY(abandoned.started());
                QVERIFY(exec(mine, QStringLiteral("INSERT INTO scratch VALUES (2)")));
            }
            QCOMPARE(rowsSeenByAnotherThread(), 0); // NULL: nothing committed yet
            QVERIFY(batch.commit());
        }
        QCOMPARE(rowsSeenByAnotherThread(), 1); // the kept document only
    }

    // Pool threads expire after 30 s idle and come back new: each must close its connection as it
    // goes, or a long-running engine piles them up with their page caches.
    void finishedThreadsCloseTheirConnections()
    {
        QTemporaryDir dir;
        auto db = Database::open({DatabaseUrl::Kind::Sqlite, dir.filePath(QStringLiteral("a.sqlite"))});
        QVERIFY(db);
        Database *database = db->get();
        QCOMPARE(database->openConnections(), 1); // this thread's, from the migrations

        QThreadPool pool;
        pool.setMaxThreadCount(3);
        pool.setExpiryTimeout(20);
        std::atomic<int> opened{0};
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 6; ++i) {
                pool.start([database, &opened] {
                    if (database->connection().isOpen())
                        ++opened;
                });
            }
            QVERIFY(pool.waitForDone(10000));
            // The threads expire and finish; their connections close with them.
            QTRY_COMPARE_WITH_TIMEOUT(database->openConnections(), 1, 5000);
        }
        QCOMPARE(opened.load(), 18);

        bool plainOpened = false;
        std::thread plain([database, &plainOpened] { plainOpened = database->connection().isOpen(); });
        plain.join();
        QVERIFY(plainOpened);
        QCOMPARE(database->openConnections(), 1); // a thread Qt did not start closes its own too
        QVERIFY(KnowledgeBaseRepository(database->connection()).create(builtinSpec(QStringLiteral("still works"))));
    }

    void urlsAreParsed()
    {
        auto sqlite = DatabaseUrl::parse(QStringLiteral("sqlite:/tmp/x.sqlite"));
        QVERIFY(sqlite);
        QCOMPARE(sqlite->sqlitePath, QStringLiteral("/tmp/x.sqlite"));
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("mysql://host/db")));
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("sqlite:")));
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
