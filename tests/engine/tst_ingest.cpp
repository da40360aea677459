#include "api/knowledge_bases.h"
#include "store/sql.h"
#include "support/cli_runner.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <unistd.h>

using namespace rag;
using Status = ingest::IngestFileOutcome::Status;

namespace {
QString text(const QString &words, int lines = 1)
{
    QStringList out;
    for (int i = 0; i < lines; ++i)
        out.append(QStringLiteral("%1 line %2").arg(words).arg(i));
    return out.join(QLatin1Char('\n'));
}

qint64 scalar(Workspace &workspace, const QString &sql)
{
    auto query = store::exec(workspace.database().connection(), sql);
    return query && query->next() ? query->value(0).toLongLong() : -1;
}

// Reads, on a connection of its own, how many documents the ingesting process has committed,
// until there are `wanted` or the process ends.
qint64 waitForReadyDocuments(const QString &databasePath, QProcess &process, qint64 wanted)
{
    const QString name = QStringLiteral("ingest-watcher");
    qint64 ready = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        for (;;) {
            const bool running = process.state() == QProcess::Running;
            if (db.isOpen() || db.open()) {
                auto query = store::exec(db, QStringLiteral("SELECT COUNT(*) FROM documents WHERE status = 'ready'"));
                if (query && query->next())
                    ready = query->value(0).toLongLong();
            }
            if (ready >= wanted || !running)
                break;
            process.waitForReadyRead(20); // progress lines mark documents being written
            process.readAllStandardError();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ready;
}

int hitsFor(Workspace &workspace, const QString &kb, const QString &query)
{
    auto result = workspace.search(kb, query, {});
    return result ? int(result->hits.size()) : -1;
}
} // namespace

class TestIngest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void folderWithEveryFormatAndBadFiles()
    {
        test::TempWorkspace t;
        const QString docs = t.path(QStringLiteral("docs"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/a.md"), "# Otters\nSea otters hold hands while asleep.\n"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/sub/b.txt"), "Beavers build lodges from branches and mud.\n"));
        QVERIFY(test::writePdf(docs + QStringLiteral("/sub/deeper/c.pdf"), {QStringLiteral("Cormorants dive for fish.")}));
        QVERIFY(test::writeDocx(docs + QStringLiteral("/d.docx"), {QStringLiteral("Dolphins sleep with one eye open.")}));
        QVERIFY(test::writeFile(docs + QStringLiteral("/e.csv"), "animal,food\nEagle,salmon\n"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/f.html"), "<p>Ferrets steal socks.</p>"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/blob.txt"), test::binaryBlob()));
        QVERIFY(test::writeFile(docs + QStringLiteral("/image.png"), test::binaryBlob()));
        QVERIFY(test::writeFile(docs + QStringLiteral("/.hidden/secret.txt"), "do not ingest me"));

        QList<ingest::IngestProgress> progress;
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("zoo")}));
        auto job = t.workspace->ingestJob(QStringLiteral("zoo"), {docs});
        QVERIFY(job);
        (*job)->setProgressHandler([&](const ingest::IngestProgress &p) { progress.append(p); });
        const ingest::IngestReport report = (*job)->run();

        QCOMPARE(report.count(Status::Added), 6);
        QCOMPARE(report.count(Status::Failed), 1);
        QCOMPARE(report.count(Status::Skipped), 1);
        QCOMPARE(report.files.size(), 8); // the hidden folder is not walked
        QVERIFY(report.anyFailed());
        const auto failed = std::find_if(report.files.cbegin(), report.files.cend(),
                                         [](const auto &f) { return f.status == Status::Failed; });
        QVERIFY(failed->path.endsWith(QStringLiteral("blob.txt")));
        QVERIFY(failed->error.contains(QStringLiteral("binary")));

        QCOMPARE(progress.size(), 8);
        for (int i = 0; i < progress.size(); ++i) {
            QCOMPARE(progress.at(i).filesDone, i + 1);
            QCOMPARE(progress.at(i).filesTotal, 8);
        }
        auto kb = t.workspace->knowledgeBase(QStringLiteral("zoo"));
        QCOMPARE(kb->documents, 6);
        QCOMPARE(kb->failedDocuments, 1);
        for (const char *query : {"otters hold hands", "beavers lodges", "cormorants dive", "dolphins one eye",
                                  "eagle salmon", "ferrets socks"})
            QVERIFY2(hitsFor(*t.workspace, QStringLiteral("zoo"), QString::fromLatin1(query)) >= 1, query);
        QCOMPARE(hitsFor(*t.workspace, QStringLiteral("zoo"), QStringLiteral("ingest secret")), 0);
    }

    void reingestSkipsUnchangedAndReplacesChanged()
    {
        test::TempWorkspace t;
        const QString a = t.path(QStringLiteral("docs/a.txt"));
        const QString b = t.path(QStringLiteral("docs/b.txt"));
        QVERIFY(test::writeFile(a, text(QStringLiteral("walrus tusks"), 3).toUtf8()));
        QVERIFY(test::writeFile(b, text(QStringLiteral("narwhal horn"), 3).toUtf8()));
        QCOMPARE(t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))}).count(Status::Added), 2);
        const qint64 chunkIdsBefore = scalar(*t.workspace, QStringLiteral("SELECT SUM(id) FROM chunks"));

        const auto again = t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))});
        QCOMPARE(again.count(Status::Unchanged), 2);
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT SUM(id) FROM chunks")), chunkIdsBefore);

        QVERIFY(test::writeFile(b, text(QStringLiteral("manatee flippers"), 3).toUtf8()));
        const auto changed = t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))});
        QCOMPARE(changed.count(Status::Unchanged), 1);
        QCOMPARE(changed.count(Status::Replaced), 1);
        QCOMPARE(hitsFor(*t.workspace, QStringLiteral("kb"), QStringLiteral("narwhal horn")), 0);
        QVERIFY(hitsFor(*t.workspace, QStringLiteral("kb"), QStringLiteral("manatee flippers")) >= 1);
        QCOMPARE(t.workspace->knowledgeBase(QStringLiteral("kb"))->documents, 2);
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM fts_kb_1")),
                 scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        // Replacing a document keeps the corpus totals in step with the chunks.
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT chunk_total FROM knowledge_bases")),
                 scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT term_total FROM knowledge_bases")),
                 scalar(*t.workspace, QStringLiteral("SELECT SUM(total) FROM chunk_terms")));
    }

    void aFailedWriteLeavesNoTraceAndKeepsTheOldVersion()
    {
        test::TempWorkspace t;
        const QString path = t.path(QStringLiteral("docs/story.txt"));
        QVERIFY(test::writeFile(path, text(QStringLiteral("original heron story"), 50).toUtf8()));
        QCOMPARE(t.ingest(QStringLiteral("kb"), {path}).count(Status::Added), 1);
        const qint64 chunks = scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM chunks"));

        // The database refuses the new version's last chunk, after its first chunks went in.
        QVERIFY(store::exec(t.workspace->database().connection(),
                            QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON chunks WHEN NEW.content LIKE '%EXPLODE%'"
                                           " BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        const QString replacement = QString(QStringLiteral("pelican %1\n")).repeated(2000).arg(QStringLiteral("fish"))
            + QStringLiteral("EXPLODE here\n");
        QVERIFY(test::writeFile(path, replacement.toUtf8()));
        const auto report = t.ingest(QStringLiteral("kb"), {path}, test::TempWorkspace::FailedFiles::Expected);
        QCOMPARE(report.count(Status::Failed), 1);
        QVERIFY(report.files.first().error.contains(QStringLiteral("injected failure")));

        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM chunks")), chunks);
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM chunks WHERE content LIKE '%pelican%'")), 0);
        QCOMPARE(scalar(*t.workspace, QStringLiteral("SELECT COUNT(*) FROM fts_kb_1")), chunks);
        QCOMPARE(hitsFor(*t.workspace, QStringLiteral("kb"), QStringLiteral("pelican fish")), 0);
        QVERIFY(hitsFor(*t.workspace, QStringLiteral("kb"), QStringLiteral("original heron story")) >= 1);
        auto docs = api::KnowledgeBases(*t.workspace).documents(QStringLiteral("kb"));
        QCOMPARE(docs->size(), 1);
        QCOMPARE(docs->first().status, QStringLiteral("ready"));
        QVERIFY(docs->first().error.contains(QStringLiteral("injected failure")));
    }

    void cancelStopsBetweenFiles()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 20; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/%1.txt").arg(i, 2, 10, QLatin1Char('0'))),
                                    text(QStringLiteral("file %1").arg(i)).toUtf8()));
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("kb")}));
        auto job = t.workspace->ingestJob(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))});
        ingest::IngestJob *raw = job->get();
        raw->setProgressHandler([raw](const ingest::IngestProgress &p) {
            if (p.filesDone == 3)
                raw->cancel();
        });
        const auto report = raw->run();
        QVERIFY(report.cancelled);
        QCOMPARE(report.files.size(), 3);
        QCOMPARE(t.workspace->knowledgeBase(QStringLiteral("kb"))->documents, 3);
    }

    void missingPathsAndExplicitUnsupportedFilesFail()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("x.xyz")), "text"));
        const auto report = t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("nope")), t.path(QStringLiteral("x.xyz"))},
                                     test::TempWorkspace::FailedFiles::Expected);
        QCOMPARE(report.count(Status::Failed), 2);
        QVERIFY(report.files.at(0).error.contains(QStringLiteral("no such file")));
        QVERIFY(report.files.at(1).error.contains(QStringLiteral("unsupported")));
    }

    void whatCannotBeReadInAFolderIsReportedNotDropped()
    {
        test::TempWorkspace t;
        const QString docs = t.path(QStringLiteral("docs"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/a.txt"), "Avocets sweep the mud for shrimp.\n"));
        QVERIFY(QFile::link(docs + QStringLiteral("/gone.txt"), docs + QStringLiteral("/b-link.txt")));
        QVERIFY(QFile::link(t.path(QStringLiteral("elsewhere")), docs + QStringLiteral("/c-folder-link")));
        QVERIFY(QDir().mkpath(t.path(QStringLiteral("elsewhere"))));
        QVERIFY(QProcess::execute(QStringLiteral("mkfifo"), {docs + QStringLiteral("/d.txt")}) == 0);
        const auto report = t.ingest(QStringLiteral("kb"), {docs}, test::TempWorkspace::FailedFiles::Expected);
        QCOMPARE(report.files.size(), 4);
        QCOMPARE(report.files.at(0).status, Status::Added);
        QCOMPARE(report.files.at(1).status, Status::Failed);
        QVERIFY(report.files.at(1).error.contains(QStringLiteral("target does not exist")));
        QCOMPARE(report.files.at(2).status, Status::Skipped);
        QVERIFY(report.files.at(2).error.contains(QStringLiteral("not followed")));
        QCOMPARE(report.files.at(3).status, Status::Skipped); // a FIFO is never opened: it would block
        QVERIFY(report.files.at(3).error.contains(QStringLiteral("not a regular file")));
        QVERIFY(report.anyFailed());
    }

    void unreadableFilesAndFoldersAreFailuresWithTheirReason()
    {
        // Permissions bind only a user other than root: as root (CI), the CLI runs as 'nobody'.
        QTemporaryDir dir;
        QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                      | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther
                                                      | QFileDevice::ReadGroup | QFileDevice::ExeGroup));
        const QString docs = dir.filePath(QStringLiteral("docs"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/a.txt"), "Avocets sweep the mud for shrimp.\n"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/secret.txt"), "Nobody may read this.\n"));
        QVERIFY(test::writeFile(docs + QStringLiteral("/locked/inside.txt"), "Nor this.\n"));
        const auto readable = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther | QFileDevice::ReadGroup;
        QVERIFY(QFile::setPermissions(docs, readable | QFileDevice::ExeOwner | QFileDevice::ExeOther | QFileDevice::ExeGroup));
        QVERIFY(QFile::setPermissions(docs + QStringLiteral("/a.txt"), readable));
        QVERIFY(QFile::setPermissions(docs + QStringLiteral("/secret.txt"), QFileDevice::WriteOwner));
        QVERIFY(QFile::setPermissions(docs + QStringLiteral("/locked"), QFileDevice::WriteOwner));
        const QString sealed = dir.filePath(QStringLiteral("sealed")); // named on the command line
        QVERIFY(test::writeFile(sealed + QStringLiteral("/x.txt"), "Nor this either.\n"));
        QVERIFY(QFile::setPermissions(sealed, QFileDevice::WriteOwner));
        const auto restore = qScopeGuard([&] { // so that the temporary folder can be removed
            const auto all = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
            for (const QString &path : {docs + QStringLiteral("/locked"), sealed, docs + QStringLiteral("/secret.txt")})
                QFile::setPermissions(path, all);
        });

        QString program = qEnvironmentVariable("RAGDESK_BINARY");
        QStringList args = {QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data")), QStringLiteral("ingest"),
                            QStringLiteral("kb"), docs, sealed};
        if (::geteuid() == 0) {
            const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
            if (setpriv.isEmpty())
                QSKIP("running as root without setpriv(1): permissions cannot be tested");
            args = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                               program} + args;
            program = setpriv;
        }
        QProcessEnvironment environment = test::cliEnvironment();
        environment.insert(QStringLiteral("HOME"), dir.path());
        QProcess create;
        create.setProcessEnvironment(environment);
        create.start(program, QStringList(args.mid(0, args.size() - 4)) << QStringLiteral("kb") << QStringLiteral("create")
                                                                         << QStringLiteral("kb"));
        QVERIFY(create.waitForFinished(60'000));
        if (create.exitCode() != 0 && ::geteuid() == 0)
            QSKIP(qPrintable(QStringLiteral("the binary cannot run as 'nobody' here: %1")
                                 .arg(QString::fromUtf8(create.readAllStandardError()).trimmed())));
        QCOMPARE(create.exitCode(), 0);

        QProcess ingest;
        ingest.setProcessEnvironment(environment);
        ingest.start(program, args);
        QVERIFY(ingest.waitForFinished(60'000));
        const QString err = QString::fromUtf8(ingest.readAllStandardError());
        QCOMPARE(ingest.exitCode(), 1);
        QVERIFY2(err.contains(QStringLiteral("error: %1/secret.txt: cannot read").arg(docs)), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("error: %1/locked: cannot read the folder").arg(docs)), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("error: %1: cannot read the folder").arg(sealed)), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("3 failed")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("added")) && err.contains(QStringLiteral("a.txt")), qPrintable(err));
    }

    // Two writers of one knowledge base, as two processes: each keeps its own vector index in
    // memory and saves it. The saved file is stamped with what it holds, so an index that lacks
    // the other writer's vectors is rebuilt when next loaded, never used as complete.
    void anIndexSavedWithoutAnotherWritersVectorsIsRebuilt()
    {
        test::TempWorkspace t;
        for (const char *set : {"a", "b", "c"}) {
            for (int i = 0; i < 4; ++i)
                QVERIFY(test::writeFile(t.path(QStringLiteral("%1/%2.txt").arg(QLatin1String(set)).arg(i)),
                                        text(QStringLiteral("set %1 file %2 about herons").arg(QLatin1String(set)).arg(i), 40).toUtf8()));
        }
        t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("a"))});
        std::unique_ptr<Workspace> other = t.reopen();
        QVERIFY(hitsFor(*other, QStringLiteral("kb"), QStringLiteral("herons")) >= 1); // its index loaded: set a
        t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("b"))});
        auto job = other->ingestJob(QStringLiteral("kb"), {t.path(QStringLiteral("c"))});
        QVERIFY(job);
        QVERIFY(!(*job)->run().anyFailed()); // saves an index of sets a and c only
        other.reset();

        std::unique_ptr<Workspace> fresh = t.reopen();
        const qint64 chunks = scalar(*fresh, QStringLiteral("SELECT COUNT(*) FROM chunks"));
        QVERIFY(chunks >= 12);
        const int rebuildsBefore = fresh->vectorIndexes().rebuildCount();
        auto index = fresh->vectorIndexes().open(*fresh->knowledgeBase(QStringLiteral("kb")), fresh->database().connection());
        QVERIFY(index);
        QCOMPARE((*index)->size(), chunks);
        QCOMPARE(fresh->vectorIndexes().rebuildCount(), rebuildsBefore + 1);
        // Saved again as it now is, it is used as it is by the next process.
        fresh.reset();
        std::unique_ptr<Workspace> next = t.reopen();
        auto reloaded = next->vectorIndexes().open(*next->knowledgeBase(QStringLiteral("kb")), next->database().connection());
        QVERIFY(reloaded);
        QCOMPARE((*reloaded)->size(), chunks);
        QCOMPARE(next->vectorIndexes().rebuildCount(), 0);
    }

    void aKilledIngestLeavesOnlyWholeDocuments()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 400; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/%1.txt").arg(i, 3, 10, QLatin1Char('0'))),
                                    text(QStringLiteral("document %1 about kingfishers").arg(i), 200).toUtf8()));
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("kb"), QStringLiteral("builtin"), 64}));
        t.workspace.reset();

        QProcess ingest;
        ingest.setReadChannel(QProcess::StandardError);
        ingest.start(qEnvironmentVariable("RAGDESK_BINARY"),
                     {QStringLiteral("--data-dir"), t.path(QStringLiteral("data")), QStringLiteral("ingest"),
                      QStringLiteral("kb"), t.path(QStringLiteral("docs"))});
        QVERIFY(ingest.waitForStarted());
        // Kill it once it has committed some documents, wherever it is in the next batch: the
        // files of that batch are lost whole and the re-run below ingests them again.
        const qint64 committed = waitForReadyDocuments(t.path(QStringLiteral("data/ragdesk.sqlite")), ingest, 5);
        QVERIFY2(committed >= 5, ingest.readAllStandardError().constData());
        ingest.kill();
        QVERIFY(ingest.waitForFinished());

        t.workspace = t.reopen();
        Workspace &w = *t.workspace;
        const qint64 documents = scalar(w, QStringLiteral("SELECT COUNT(*) FROM documents WHERE status = 'ready'"));
        QVERIFY(documents >= 5);
        QCOMPARE(scalar(w, QStringLiteral("SELECT COUNT(*) FROM documents d WHERE chunk_count !="
                                          " (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id)")), 0);
        QCOMPARE(scalar(w, QStringLiteral("SELECT COUNT(*) FROM fts_kb_1")), scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        QCOMPARE(scalar(w, QStringLiteral("SELECT COUNT(*) FROM vectors")), scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        QCOMPARE(scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunk_terms")), scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        // The corpus totals that term weighting reads match the chunks that are there.
        QCOMPARE(scalar(w, QStringLiteral("SELECT chunk_total FROM knowledge_bases")), scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        QCOMPARE(scalar(w, QStringLiteral("SELECT term_total FROM knowledge_bases")),
                 scalar(w, QStringLiteral("SELECT SUM(total) FROM chunk_terms")));
        // The vector index on disk may lag the database; it is rebuilt to match.
        QVERIFY(hitsFor(w, QStringLiteral("kb"), QStringLiteral("document 3 kingfishers")) >= 1);
        QCOMPARE(w.vectorIndexes().open(*w.knowledgeBase(QStringLiteral("kb")), w.database().connection()).value()->size(),
                 scalar(w, QStringLiteral("SELECT COUNT(*) FROM chunks")));
        // Resuming ingests the rest; what was complete is not written again.
        const auto resumed = t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))});
        QCOMPARE(resumed.count(Status::Unchanged), int(documents));
        QCOMPARE(w.knowledgeBase(QStringLiteral("kb"))->documents, 400);
    }
};

QTEST_MAIN(TestIngest)
#include "tst_ingest.moc"
