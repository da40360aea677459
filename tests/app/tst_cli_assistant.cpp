// `ragdesk assistant` as a user and a script run it: every option lands in `list --json`, the
// documented defaults, refusals that say which flag to fix, and removal.
#include "support/cli_runner.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = rag::test::CliRun;

} // namespace

class TestCliAssistant : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    Run ragdesk(const QStringList &args) { return rag::test::runRagdesk(m_dir.filePath(QStringLiteral("data")), args); }

    QJsonArray listed()
    {
        const Run run = ragdesk({QStringLiteral("assistant"), QStringLiteral("list"), QStringLiteral("--json")});
        if (run.exitCode != 0)
            qWarning("assistant list failed: %s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out.toUtf8()).array();
    }

    QJsonObject listedAssistant(const QString &name)
    {
        const QJsonArray all = listed();
        for (const QJsonValue &value : all) {
            if (value.toObject().value(QStringLiteral("name")).toString() == name)
                return value.toObject();
        }
        return {};
    }

    bool remove(const QString &name)
    {
        return ragdesk({QStringLiteral("assistant"), QStringLiteral("remove"), name}).exitCode == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariableIsEmpty("RAGDESK_BINARY"));
        for (const char *kb : {"docs", "notes"})
            QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QString::fromLatin1(kb)}).exitCode, 0);
        // No call is made to these: an assistant only names them.
        const QStringList providers[] = {
            {"chatter", "--kind", "openai-compatible", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"},
            {"ranker", "--kind", "jina", "--base-url", "http://127.0.0.1:9/jina/v1", "--model", "r"},
            {"local", "--kind", "ollama", "--base-url", "http://127.0.0.1:9", "--model", "llama"},
        };
        for (const QStringList &provider : providers) {
            const Run added = ragdesk(QStringList{QStringLiteral("providers"), QStringLiteral("add")} + provider);
            QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        }
    }

    void listOfNoneIsEmpty()
    {
        const Run json = ragdesk({QStringLiteral("assistant"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(json.out.trimmed(), QStringLiteral("[]"));
        const Run text = ragdesk({QStringLiteral("assistant"), QStringLiteral("list")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("no assistants yet")), qPrintable(text.out));
    }

    void createWithEveryOptionThenList()
    {
        const Run created = ragdesk({"assistant", "create", "support", "--kb", "docs,notes", "--llm", "chatter",
                                     "--reranker", "ranker", "--top-n", "4", "--top-k", "40", "--threshold", "0.35",
                                     "--vector-weight", "0.6", "--system", "Answer from {knowledge} only.",
                                     "--prologue", "Hello, ask away.", "--empty-response", "Not in the documents.",
                                     "--temperature", "0.7", "--max-tokens", "1000", "--no-quote"});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        QVERIFY2(created.out.contains(QStringLiteral("created assistant 'support'")), qPrintable(created.out));

        const QJsonArray all = listed();
        QCOMPARE(all.size(), 1);
        const QJsonObject a = all.first().toObject();
        QCOMPARE(a.value(QStringLiteral("name")).toString(), QStringLiteral("support"));
        QCOMPARE(a.value(QStringLiteral("knowledge_bases")).toArray(), (QJsonArray{QStringLiteral("docs"), QStringLiteral("notes")}));
        QCOMPARE(a.value(QStringLiteral("llm")).toString(), QStringLiteral("chatter"));
        QCOMPARE(a.value(QStringLiteral("reranker")).toString(), QStringLiteral("ranker"));
        QCOMPARE(a.value(QStringLiteral("top_n")).toInt(), 4);
        QCOMPARE(a.value(QStringLiteral("top_k")).toInt(), 40);
        QCOMPARE(a.value(QStringLiteral("similarity_threshold")).toDouble(), 0.35);
        QCOMPARE(a.value(QStringLiteral("vector_similarity_weight")).toDouble(), 0.6);
        QCOMPARE(a.value(QStringLiteral("temperature")).toDouble(), 0.7);
        QCOMPARE(a.value(QStringLiteral("max_tokens")).toInt(), 1000);
        QCOMPARE(a.value(QStringLiteral("quote")), QJsonValue(false));
        QCOMPARE(a.value(QStringLiteral("system_prompt")).toString(), QStringLiteral("Answer from {knowledge} only."));
        QCOMPARE(a.value(QStringLiteral("prologue")).toString(), QStringLiteral("Hello, ask away."));
        QCOMPARE(a.value(QStringLiteral("empty_response")).toString(), QStringLiteral("Not in the documents."));

        const Run text = ragdesk({QStringLiteral("assistant"), QStringLiteral("list")});
        QVERIFY(text.out.contains(QStringLiteral("support")) && text.out.contains(QStringLiteral("docs, notes")));
        QVERIFY(remove(QStringLiteral("support")));
    }

    void defaults()
    {
        // --kb given twice means the same as a comma list.
        const Run created = ragdesk({"assistant", "create", "plain", "--kb", "docs", "--kb", "notes"});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const QJsonObject a = listedAssistant(QStringLiteral("plain"));
        QCOMPARE(a.value(QStringLiteral("knowledge_bases")).toArray(), (QJsonArray{QStringLiteral("docs"), QStringLiteral("notes")}));
        QCOMPARE(a.value(QStringLiteral("top_n")).toInt(), 6);
        QCOMPARE(a.value(QStringLiteral("top_k")).toInt(), 1024);
        QCOMPARE(a.value(QStringLiteral("similarity_threshold")).toDouble(), 0.2);
        QCOMPARE(a.value(QStringLiteral("vector_similarity_weight")).toDouble(), 0.3);
        QCOMPARE(a.value(QStringLiteral("reranker")).toString(), QStringLiteral("builtin"));
        QCOMPARE(a.value(QStringLiteral("llm")).toString(), QStringLiteral("builtin"));
        QCOMPARE(a.value(QStringLiteral("quote")), QJsonValue(true));
        QCOMPARE(a.value(QStringLiteral("system_prompt")).toString(), QString());
        QVERIFY(remove(QStringLiteral("plain")));

        const Run none = ragdesk({"assistant", "create", "norerank", "--kb", "docs", "--reranker", "none"});
        QVERIFY2(none.exitCode == 0, qPrintable(none.err));
        QCOMPARE(listedAssistant(QStringLiteral("norerank")).value(QStringLiteral("reranker")).toString(), QStringLiteral("none"));
        QVERIFY(remove(QStringLiteral("norerank")));
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no --kb") << QStringList{} << 2 << "--kb is required";
        QTest::newRow("unknown option") << QStringList{"--kb", "docs", "--bogus"} << 2 << "bogus";
        QTest::newRow("top-n not a number") << QStringList{"--kb", "docs", "--top-n", "six"} << 2
                                            << "--top-n takes a whole number, not 'six'";
        QTest::newRow("threshold not a number") << QStringList{"--kb", "docs", "--threshold", "high"} << 2 << "--threshold";
        QTest::newRow("top-n 0") << QStringList{"--kb", "docs", "--top-n", "0"} << 1 << "--top-n must be between 1 and 100";
        QTest::newRow("top-k below top-n") << QStringList{"--kb", "docs", "--top-k", "5"} << 1 << "--top-k (5) must be at least --top-n (6)";
        QTest::newRow("threshold 1.5") << QStringList{"--kb", "docs", "--threshold", "1.5"} << 1 << "--threshold must be between 0 and 1";
        QTest::newRow("vector weight negative") << QStringList{"--kb", "docs", "--vector-weight", "-0.1"} << 1
                                                << "--vector-weight must be between 0 and 1";
        QTest::newRow("temperature 3") << QStringList{"--kb", "docs", "--temperature", "3"} << 1 << "--temperature";
        QTest::newRow("max-tokens 0") << QStringList{"--kb", "docs", "--max-tokens", "0"} << 1 << "--max-tokens";
        QTest::newRow("unknown kb") << QStringList{"--kb", "docs,ghost"} << 1 << "no knowledge base named 'ghost'";
        QTest::newRow("empty kb") << QStringList{"--kb", "docs,"} << 1 << "--kb has an empty";
        QTest::newRow("unknown llm") << QStringList{"--kb", "docs", "--llm", "gpt-ghost"} << 1 << "ragdesk providers list";
        QTest::newRow("unknown reranker") << QStringList{"--kb", "docs", "--reranker", "ghost"} << 1 << "ragdesk providers list";
        QTest::newRow("llm none") << QStringList{"--kb", "docs", "--llm", "none"} << 1 << "--llm cannot be 'none'";
        QTest::newRow("llm cannot chat") << QStringList{"--kb", "docs", "--llm", "ranker"} << 1 << "does not serve chat";
        QTest::newRow("reranker cannot rerank") << QStringList{"--kb", "docs", "--reranker", "local"} << 1
                                                << "does not serve rerank";
    }

    void badInputIsRefused()
    {
        QFETCH(QStringList, options);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run run = ragdesk(QStringList{QStringLiteral("assistant"), QStringLiteral("create"), QStringLiteral("bad")} + options);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(listed().size(), 0);
    }

    void duplicateNameIsRefused()
    {
        QCOMPARE(ragdesk({"assistant", "create", "twin", "--kb", "docs"}).exitCode, 0);
        const Run again = ragdesk({"assistant", "create", "twin", "--kb", "notes"});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("already exists")), qPrintable(again.err));
        QCOMPARE(listedAssistant(QStringLiteral("twin")).value(QStringLiteral("knowledge_bases")).toArray(),
                 QJsonArray{QStringLiteral("docs")});
        QVERIFY(remove(QStringLiteral("twin")));
    }

    void removeDeletesAndReportsUnknownNames()
    {
        QCOMPARE(ragdesk({"assistant", "create", "a", "--kb", "docs"}).exitCode, 0);
        QCOMPARE(ragdesk({"assistant", "create", "b", "--kb", "notes"}).exitCode, 0);
        const Run removed = ragdesk({QStringLiteral("assistant"), QStringLiteral("remove"), QStringLiteral("a")});
        QCOMPARE(removed.exitCode, 0);
        QVERIFY(removed.out.contains(QStringLiteral("removed assistant 'a'")));
        const QJsonArray left = listed();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("b"));

        const Run again = ragdesk({QStringLiteral("assistant"), QStringLiteral("remove"), QStringLiteral("a")});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("no assistant named 'a'")), qPrintable(again.err));
        QCOMPARE(ragdesk({QStringLiteral("assistant"), QStringLiteral("remove")}).exitCode, 2);
        QCOMPARE(ragdesk({QStringLiteral("assistant"), QStringLiteral("rename")}).exitCode, 2);
        QVERIFY(remove(QStringLiteral("b")));
        QCOMPARE(listed().size(), 0);
    }

    void helpListsTheAssistantCommands()
    {
        const Run help = ragdesk({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char *line : {"assistant create NAME --kb KB[,KB...]", "assistant list [--json]", "assistant remove NAME"})
            QVERIFY2(help.out.contains(QString::fromLatin1(line)), line);
    }
};

QTEST_GUILESS_MAIN(TestCliAssistant)
#include "tst_cli_assistant.moc"
