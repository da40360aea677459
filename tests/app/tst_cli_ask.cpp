// `ragdesk ask` as a user runs it: offline answers from the built-in providers, JSON lines as the
// contract says, both modes, and a conversation with a simulated model continued by id.
#include "support/cli_runner.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {
using Run = rag::test::CliRun;
} // namespace

class TestCliAsk : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    Run ragdesk(const QStringList &args) { return rag::test::runRagdesk(m_dir.filePath(QStringLiteral("data")), args); }

    static QList<QJsonObject> jsonLines(const QString &out)
    {
        QList<QJsonObject> lines;
        for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            lines.append(QJsonDocument::fromJson(line.toUtf8()).object());
        return lines;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString docs = m_dir.filePath(QStringLiteral("docs"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/otters.md"),
                                     "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/bees.md"), "# Bees\nHoney bees dance to show where flowers are.\n"));
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("nature")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("ingest"), QStringLiteral("nature"), docs}).exitCode, 0);
    }

    void answersOfflineInJsonLines_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("async") << "async";
        QTest::newRow("blocking") << "blocking";
    }

    void answersOfflineInJsonLines()
    {
        QFETCH(QString, mode);
        const Run run = ragdesk({QStringLiteral("ask"), QStringLiteral("nature"), QStringLiteral("Why do sea otters hold hands?"),
                                 QStringLiteral("--json"), QStringLiteral("--mode"), mode});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QVERIFY(lines.size() >= 2);
        QString streamed;
        for (qsizetype i = 0; i + 1 < lines.size(); ++i)
            streamed += lines.at(i).value(QStringLiteral("delta")).toString();
        const QJsonObject done = lines.last();
        QCOMPARE(streamed, done.value(QStringLiteral("answer")).toString());
        QVERIFY(done.value(QStringLiteral("answer")).toString().contains(QStringLiteral("hold hands")));
        QVERIFY(done.value(QStringLiteral("answer")).toString().contains(QStringLiteral("[ID:0]")));
        QCOMPARE(done.value(QStringLiteral("references")).toArray().first().toObject().value(QStringLiteral("document")).toString(),
                 QStringLiteral("otters.md"));
        QVERIFY(done.value(QStringLiteral("ttfc_ms")).toDouble() > 0);
        for (const char *stage : {"admission", "load", "search", "rerank", "ttfc", "last_chunk", "total"})
            QVERIFY2(done.value(QStringLiteral("trace")).toObject().contains(QString::fromLatin1(stage)), stage);
        QCOMPARE(done.value(QStringLiteral("extractive")).toBool(), true);
    }

    void plainOutputStreamsTheAnswerAndListsSources()
    {
        const Run run = ragdesk({QStringLiteral("ask"), QStringLiteral("nature"), QStringLiteral("Why do sea otters hold hands?")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("hold hands")));
        QVERIFY(run.out.contains(QStringLiteral("[ID:0] otters.md")));
        QVERIFY(run.err.contains(QStringLiteral("first chunk after")));
    }

    void conversationWithASimulatedModel()
    {
        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY(!base.isEmpty());
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("llm"), QStringLiteral("--kind"),
                          QStringLiteral("openai-compatible"), QStringLiteral("--base-url"), base + QStringLiteral("/openai/v1"),
                          QStringLiteral("--model"), QStringLiteral("m")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("assistant"), QStringLiteral("create"), QStringLiteral("guide"), QStringLiteral("--kb"),
                          QStringLiteral("nature"), QStringLiteral("--llm"), QStringLiteral("llm")}).exitCode, 0);
        const Run first = ragdesk({QStringLiteral("ask"), QStringLiteral("--assistant"), QStringLiteral("guide"),
                                   QStringLiteral("Why do sea otters hold hands?"), QStringLiteral("--json")});
        QCOMPARE(first.exitCode, 0);
        const QJsonObject done = jsonLines(first.out).last();
        QCOMPARE(done.value(QStringLiteral("extractive")).toBool(), false);
        QVERIFY(done.value(QStringLiteral("answer")).toString().contains(QStringLiteral("[ID:")));
        const qint64 conversation = done.value(QStringLiteral("conversation_id")).toInteger();
        QVERIFY(conversation > 0);
        const Run second = ragdesk({QStringLiteral("ask"), QStringLiteral("--assistant"), QStringLiteral("guide"),
                                    QStringLiteral("Where do they sleep?"), QStringLiteral("--json"), QStringLiteral("--conversation"),
                                    QString::number(conversation)});
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(jsonLines(second.out).last().value(QStringLiteral("conversation_id")).toInteger(), conversation);
        sim.kill();
        sim.waitForFinished();
        // With the model gone the question fails clearly, and says which provider.
        const Run down = ragdesk({QStringLiteral("ask"), QStringLiteral("--assistant"), QStringLiteral("guide"),
                                  QStringLiteral("Why do sea otters hold hands?")});
        QCOMPARE(down.exitCode, 1);
        QVERIFY2(down.err.contains(QStringLiteral("llm")), qPrintable(down.err));
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("unknown kb") << QStringList{"ask", "nowhere", "hello"} << 1;
        QTest::newRow("bad mode") << QStringList{"ask", "nature", "hello", "--mode", "fast"} << 2;
        QTest::newRow("empty question") << QStringList{"ask", "nature", "  "} << 2;
        QTest::newRow("unknown assistant") << QStringList{"ask", "--assistant", "ghost", "hello"} << 1;
        QTest::newRow("unknown reranker") << QStringList{"ask", "nature", "hello", "--reranker", "ghost"} << 1;
        QTest::newRow("conversation without assistant") << QStringList{"ask", "nature", "hello", "--conversation", "3"} << 2;
    }

    void badInputIsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        const Run run = ragdesk(args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY(!run.err.trimmed().isEmpty());
    }

    // With --json a failure ends the JSON lines with an error object, as well as saying it on stderr.
    void aFailureEndsTheJsonLines()
    {
        const Run run = ragdesk({QStringLiteral("ask"), QStringLiteral("nowhere"), QStringLiteral("hello"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.last().value(QStringLiteral("error")).toString().contains(QStringLiteral("no knowledge base named 'nowhere'")),
                 qPrintable(run.out));
        QVERIFY(run.err.contains(QStringLiteral("no knowledge base named 'nowhere'")));
    }
};

QTEST_GUILESS_MAIN(TestCliAsk)
#include "tst_cli_ask.moc"
