#include "support/cli_runner.h"
#include "support/fixtures.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};
} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    Run ragdesk(const QStringList &args)
    {
        QProcess process;
        process.start(qEnvironmentVariable("RAGDESK_BINARY"),
                      QStringList{QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data"))} + args);
        if (!process.waitForFinished(120000))
            return {};
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

private Q_SLOTS:
    void helpListsTheCommands()
    {
        const Run run = ragdesk({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        for (const char *command : {"kb", "ingest", "search"})
            QVERIFY(run.out.split(QRegularExpression(QStringLiteral("\\s+"))).contains(QString::fromLatin1(command)));
    }

    // With no command, ragdesk starts the desktop app's own binary (ragdesk-desktop, next to it),
    // which says plainly when there is no display to open a window on.
    void noCommandStartsTheDesktopApp()
    {
        QTemporaryDir data;
        QProcessEnvironment environment = rag::test::cliEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            environment.remove(QString::fromLatin1(name));
        const rag::test::CliRun run = rag::test::runRagdesk(data.path(), {}, environment);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("no display available to open the desktop app")), qPrintable(run.err));
        QVERIFY(QFileInfo(QFileInfo(qEnvironmentVariable("RAGDESK_BINARY")).absolutePath() + QStringLiteral("/ragdesk-desktop"))
                    .isExecutable());
    }

    void createIngestListSearch()
    {
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("notes"), QStringLiteral("--chunk-tokens"),
                          QStringLiteral("128"), QStringLiteral("--overlap"), QStringLiteral("10")}).exitCode, 0);
        const Run duplicate = ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("notes")});
        QCOMPARE(duplicate.exitCode, 1);
        QVERIFY(duplicate.err.contains(QStringLiteral("already exists")));

        const QString docs = m_dir.filePath(QStringLiteral("docs"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/otters.md"), "# Sea otters\nSea otters hold hands while they sleep.\n"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/blob.txt"), rag::test::binaryBlob()));
        const Run ingest = ragdesk({QStringLiteral("ingest"), QStringLiteral("notes"), docs});
        QCOMPARE(ingest.exitCode, 1);
        QVERIFY2(ingest.err.contains(QStringLiteral("blob.txt")) && ingest.err.contains(QStringLiteral("binary")), qPrintable(ingest.err));
        QVERIFY(ingest.err.contains(QStringLiteral("1 added")));

        const Run list = ragdesk({QStringLiteral("kb"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonObject kb = QJsonDocument::fromJson(list.out.toUtf8()).array().first().toObject();
        QCOMPARE(kb.value(QStringLiteral("name")).toString(), QStringLiteral("notes"));
        QCOMPARE(kb.value(QStringLiteral("documents")).toInt(), 1);
        QVERIFY(kb.value(QStringLiteral("chunks")).toInt() >= 1);
        QCOMPARE(kb.value(QStringLiteral("embedder")).toString(), QStringLiteral("builtin"));
        QCOMPARE(kb.value(QStringLiteral("chunk_tokens")).toInt(), 128);

        const Run search = ragdesk({QStringLiteral("search"), QStringLiteral("notes"), QStringLiteral("otters sleep"),
                                    QStringLiteral("--json"), QStringLiteral("--top-n"), QStringLiteral("3")});
        QCOMPARE(search.exitCode, 0);
        const QJsonArray chunks = QJsonDocument::fromJson(search.out.toUtf8()).object().value(QStringLiteral("chunks")).toArray();
        QCOMPARE(chunks.size(), 1);
        const QJsonObject hit = chunks.first().toObject();
        for (const char *field : {"id", "document", "content", "similarity", "term_similarity", "vector_similarity", "page"})
            QVERIFY2(hit.contains(QString::fromLatin1(field)), field);
        QCOMPARE(hit.value(QStringLiteral("document")).toString(), QStringLiteral("otters.md"));
        QVERIFY(hit.value(QStringLiteral("page")).isNull());

        const Run human = ragdesk({QStringLiteral("search"), QStringLiteral("notes"), QStringLiteral("otters sleep")});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.startsWith(QStringLiteral("1. otters.md")));

        // The failed file is listed with its reason and when; removing it (by the path kb docs
        // names) leaves the ready one, and a path that names nothing is an error.
        const Run listed = ragdesk({QStringLiteral("kb"), QStringLiteral("docs"), QStringLiteral("notes"), QStringLiteral("--json")});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray documents = QJsonDocument::fromJson(listed.out.toUtf8()).array();
        QCOMPARE(documents.size(), 2);
        QString failedPath;
        for (const QJsonValue &doc : documents) {
            QVERIFY(!doc.toObject().value(QStringLiteral("updated_at")).toString().isEmpty());
            if (doc.toObject().value(QStringLiteral("status")).toString() == u"failed")
                failedPath = doc.toObject().value(QStringLiteral("path")).toString();
        }
        QVERIFY(failedPath.endsWith(QStringLiteral("blob.txt")));
        const Run removed = ragdesk({QStringLiteral("kb"), QStringLiteral("remove-docs"), QStringLiteral("notes"), failedPath});
        QCOMPARE(removed.exitCode, 0);
        QVERIFY2(removed.out.contains(QStringLiteral("removed 1 document(s)")), qPrintable(removed.out));
        const Run after = ragdesk({QStringLiteral("kb"), QStringLiteral("docs"), QStringLiteral("notes"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(after.out.toUtf8()).array().size(), 1);
        const Run again = ragdesk({QStringLiteral("kb"), QStringLiteral("remove-docs"), QStringLiteral("notes"), failedPath});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("no such document")), qPrintable(again.err));
    }

    void errorsAreClearAndExitNonZero()
    {
        const Run unknown = ragdesk({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains(QStringLiteral("unknown command")));
        const Run missing = ragdesk({QStringLiteral("search"), QStringLiteral("nope"), QStringLiteral("x")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("no knowledge base named 'nope'")));
        const Run badNumber = ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("x"),
                                       QStringLiteral("--chunk-tokens"), QStringLiteral("lots")});
        QCOMPARE(badNumber.exitCode, 2);
        const Run noValue = ragdesk({QStringLiteral("kb"), QStringLiteral("list"), QStringLiteral("--db")});
        QCOMPARE(noValue.exitCode, 2);
        // A number no int holds is named as typed, not as what it wrapped around to.
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("huge")}).exitCode, 0);
        const Run huge = ragdesk({QStringLiteral("search"), QStringLiteral("huge"), QStringLiteral("x"),
                                  QStringLiteral("--top-n"), QStringLiteral("99999999999999")});
        QCOMPARE(huge.exitCode, 2);
        QVERIFY2(huge.err.contains(QStringLiteral("--top-n is out of range: '99999999999999'")), qPrintable(huge.err));
        const Run fraction = ragdesk({QStringLiteral("search"), QStringLiteral("huge"), QStringLiteral("x"),
                                      QStringLiteral("--top-k"), QStringLiteral("2.5")});
        QCOMPARE(fraction.exitCode, 2);
        QVERIFY2(fraction.err.contains(QStringLiteral("--top-k takes a whole number, not '2.5'")), qPrintable(fraction.err));
        const Run assistant = ragdesk({QStringLiteral("assistant"), QStringLiteral("create"), QStringLiteral("a"),
                                       QStringLiteral("--kb"), QStringLiteral("huge"), QStringLiteral("--top-n"),
                                       QStringLiteral("99999999999999")});
        QCOMPARE(assistant.exitCode, 2);
        QVERIFY2(assistant.err.contains(QStringLiteral("--top-n is out of range")), qPrintable(assistant.err));
    }

    // A file past a limit fails with the limit's name and the rest is ingested; the limits are the
    // user's to set, and a memory budget smaller than any file still ingests every file.
    void ingestLimitsRefuseFilesByNameAndKeepTheRest()
    {
        const QString folder = m_dir.filePath(QStringLiteral("limits"));
        QVERIFY(rag::test::writeFile(folder + QStringLiteral("/big.txt"), QByteArray("otter words ").repeated(110000)));
        QVERIFY(rag::test::writeFile(folder + QStringLiteral("/small.txt"), "otters hold hands while they sleep"));
        QVERIFY(rag::test::writeDocx(folder + QStringLiteral("/bomb.docx"), QStringList(200000, QStringLiteral("zzzzzzzzzzzzzzzzzzzzzzzz"))));
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("limits")}).exitCode, 0);
        const Run limited = ragdesk({QStringLiteral("ingest"), QStringLiteral("limits"), folder, QStringLiteral("--max-file-mb"),
                                     QStringLiteral("1"), QStringLiteral("--memory-mb"), QStringLiteral("1")});
        QCOMPARE(limited.exitCode, 1);
        QVERIFY2(limited.err.contains(QStringLiteral("big.txt: the file is larger than 1 MiB (the limit, --max-file-mb)")), qPrintable(limited.err));
        QVERIFY2(limited.err.contains(QStringLiteral("bomb.docx: word/document.xml inflates more than 100 times")), qPrintable(limited.err));
        QVERIFY2(limited.err.contains(QStringLiteral("1 added")) && limited.err.contains(QStringLiteral("2 failed")), qPrintable(limited.err));

        const Run raised = ragdesk({QStringLiteral("ingest"), QStringLiteral("limits"), folder, QStringLiteral("--max-ratio"),
                                    QStringLiteral("100000"), QStringLiteral("--memory-mb"), QStringLiteral("1")});
        QCOMPARE(raised.exitCode, 0);
        QVERIFY2(raised.err.contains(QStringLiteral("1 unchanged, 0 failed")), qPrintable(raised.err));
        const Run zero = ragdesk({QStringLiteral("ingest"), QStringLiteral("limits"), folder, QStringLiteral("--memory-mb"), QStringLiteral("0")});
        QCOMPARE(zero.exitCode, 2);
    }

    void databaseCanLiveElsewhere()
    {
        const QString file = m_dir.filePath(QStringLiteral("elsewhere/custom.sqlite"));
        const Run run = ragdesk({QStringLiteral("--db"), QStringLiteral("sqlite:") + file, QStringLiteral("kb"),
                                 QStringLiteral("create"), QStringLiteral("k")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(QFile::exists(file));
        const Run postgres = ragdesk({QStringLiteral("--db"), QStringLiteral("mysql://x"), QStringLiteral("kb"), QStringLiteral("list")});
        QCOMPARE(postgres.exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
