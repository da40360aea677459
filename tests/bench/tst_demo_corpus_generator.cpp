// bench/make_demo_corpus, the generator of the load-test knowledge base: the same seed gives the
// same bytes, it never writes into a folder that holds other files, and what it writes ingests
// into the requested number of chunks, all different, still about ragdesk's topics.
#include "store/sql.h"
#include "support/temp_workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTest>

using namespace rag;

namespace {
constexpr int kChunks = 400;

struct Run {
    int exitCode = -1; // -1: it did not finish within a minute
    QString out;
    QString err;
};

Run generate(const QStringList &args)
{
    QProcess process;
    process.start(QStringLiteral(MAKE_DEMO_CORPUS), args);
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

// File name -> bytes, for comparing two runs.
QMap<QString, QByteArray> contents(const QString &dir)
{
    QMap<QString, QByteArray> files;
    for (QDirIterator it(dir, QDir::Files); it.hasNext();) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            files.insert(QFileInfo(file).fileName(), file.readAll());
    }
    return files;
}
} // namespace

class TestDemoCorpusGenerator : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString corpus(const QString &name) const { return m_dir.filePath(name); }
    Run generateInto(const QString &name, int seed)
    {
        return generate({QStringLiteral("--out"), corpus(name), QStringLiteral("--chunks"), QString::number(kChunks),
                         QStringLiteral("--seed"), QString::number(seed)});
    }

private Q_SLOTS:
    void initTestCase()
    {
        const Run run = generateInto(QStringLiteral("seed1"), 1);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        // The output tells the user how to ingest what was written.
        QVERIFY2(run.out.contains(QStringLiteral("kb create demo")) && run.out.contains(QStringLiteral("ingest demo ")),
                 qPrintable(run.out));
    }

    void sameSeedSameBytes()
    {
        QCOMPARE(generateInto(QStringLiteral("seed1-again"), 1).exitCode, 0);
        const auto first = contents(corpus(QStringLiteral("seed1")));
        QVERIFY(first.size() >= 5);
        QCOMPARE(contents(corpus(QStringLiteral("seed1-again"))), first);
        QCOMPARE(generateInto(QStringLiteral("seed2"), 2).exitCode, 0);
        QVERIFY(contents(corpus(QStringLiteral("seed2"))) != first);
    }

    void refusesAFolderThatIsNotEmpty()
    {
        const QString dir = corpus(QStringLiteral("busy"));
        QVERIFY(QDir().mkpath(dir));
        QFile mine(QDir(dir).filePath(QStringLiteral("mine.txt")));
        QVERIFY(mine.open(QIODevice::WriteOnly) && mine.write("my own notes") > 0);
        mine.close();
        const Run run = generate({QStringLiteral("--out"), dir, QStringLiteral("--chunks"), QStringLiteral("50")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("not empty")) && run.err.contains(QStringLiteral("--force")),
                 qPrintable(run.err));
        QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("mine.txt")});

        // --force replaces an earlier run's files (other names with another seed) and leaves the
        // user's own alone.
        auto run50 = [](const QString &out, int seed, bool force) {
            QStringList args = {QStringLiteral("--out"), out, QStringLiteral("--chunks"), QStringLiteral("50"),
                                QStringLiteral("--seed"), QString::number(seed)};
            return generate(force ? args << QStringLiteral("--force") : args).exitCode;
        };
        QCOMPARE(run50(dir, 8, true), 0);
        QCOMPARE(run50(dir, 7, true), 0);
        QCOMPARE(run50(corpus(QStringLiteral("fresh")), 7, false), 0);
        auto written = contents(dir);
        QCOMPARE(written.take(QStringLiteral("mine.txt")), QByteArray("my own notes"));
        QCOMPARE(written, contents(corpus(QStringLiteral("fresh"))));
    }

    void ingestsIntoTheRequestedChunksAllDifferent()
    {
        test::TempWorkspace t;
        const auto report = t.ingest(QStringLiteral("demo"), {corpus(QStringLiteral("seed1"))});
        QVERIFY(!report.anyFailed());
        QVERIFY2(std::abs(report.chunksWritten - kChunks) <= kChunks / 50, qPrintable(QString::number(report.chunksWritten)));
        auto query = store::exec(t.workspace->database().connection(),
                                 QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT content) FROM chunks"));
        QVERIFY(query && query->next());
        QCOMPARE(query->value(0).toLongLong(), report.chunksWritten);
        QCOMPARE(query->value(1).toLongLong(), report.chunksWritten); // identical chunks would tie every score

        // Still about ragdesk: benchmark questions (bench/scenarios/questions.txt) find their topic.
        const QList<QPair<QString, QString>> questions = {
            {QStringLiteral("What is hybrid search?"), QStringLiteral("hybrid search")},
            {QStringLiteral("How do I add a Jina reranker?"), QStringLiteral("jina")},
            {QStringLiteral("What is time to first chunk?"), QStringLiteral("time to first chunk")},
            {QStringLiteral("Where does ragdesk keep its data?"), QStringLiteral("data dir")},
        };
        for (const auto &[question, words] : questions) {
            auto result = t.workspace->search(QStringLiteral("demo"), question, {});
            QVERIFY(result && !result->hits.isEmpty());
            const QString top = result->hits.first().chunk.content;
            QVERIFY2(top.contains(words, Qt::CaseInsensitive), qPrintable(question + QStringLiteral(" -> ") + top.left(300)));
        }
    }
};

QTEST_GUILESS_MAIN(TestDemoCorpusGenerator)
#include "tst_demo_corpus_generator.moc"
