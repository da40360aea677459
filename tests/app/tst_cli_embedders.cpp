// Knowledge bases embedded by a provider, and `search --reranker`, as a user runs them: the
// simulator as its own process, `kb create --embedder`, `ingest`, `search` (with the provider's
// query vector, reranked by the built-in reranker and by a provider whose call is logged), and
// `kb reembed` both ways.
#include "support/cli_runner.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = rag::test::CliRun;

const QString kSecret = QStringLiteral("sk-embedder-secret-24680");

QJsonObject parseObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace

class TestCliEmbedders : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    Run ragdesk(const QStringList &args)
    {
        QProcessEnvironment env = rag::test::cliEnvironment();
        env.insert(QStringLiteral("EMBED_KEY"), kSecret);
        // A data dir of each test's own.
        return rag::test::runRagdesk(m_dir.filePath(QStringLiteral("data-") + QString::fromLatin1(QTest::currentTestFunction())),
                                     args, env);
    }

    void addProvider(const QString &name, const QString &kind, const QString &url)
    {
        const Run added = ragdesk({QStringLiteral("providers"), QStringLiteral("add"), name, QStringLiteral("--kind"), kind,
                                   QStringLiteral("--base-url"), url, QStringLiteral("--model"), QStringLiteral("m1"),
                                   QStringLiteral("--api-key-env"), QStringLiteral("EMBED_KEY")});
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
    }

    void writeDocuments()
    {
        const QString docs = m_dir.filePath(QStringLiteral("docs"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/otters.md"),
                                     "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/volcanoes.md"),
                                     "# Volcanoes\nA volcano erupts when pressure from magma builds up under the crust.\n"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/bees.md"),
                                     "# Bees\nHoney bees dance to tell the hive where the flowers are.\n"));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        writeDocuments();
    }

    void aKnowledgeBaseEmbeddedByAProvider()
    {
        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY2(!base.isEmpty(), "ragdesk sim printed its address");
        addProvider(QStringLiteral("emb"), QStringLiteral("openai-compatible"), base + QStringLiteral("/openai/v1"));
        addProvider(QStringLiteral("rr"), QStringLiteral("jina"), base + QStringLiteral("/jina/v1"));

        const Run created = ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("remote"),
                                     QStringLiteral("--embedder"), QStringLiteral("emb")});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        QVERIFY2(created.out.contains(QStringLiteral("embedder emb, 64 dimensions")), qPrintable(created.out));
        const Run listed = ragdesk({QStringLiteral("kb"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonObject kb = QJsonDocument::fromJson(listed.out.toUtf8()).array().first().toObject();
        QCOMPARE(kb.value(QStringLiteral("embedder")).toString(), QStringLiteral("emb"));
        QCOMPARE(kb.value(QStringLiteral("dimension")).toInt(), 64);

        const Run ingested = ragdesk({QStringLiteral("ingest"), QStringLiteral("remote"), m_dir.filePath(QStringLiteral("docs"))});
        QVERIFY2(ingested.exitCode == 0, qPrintable(ingested.err));
        QVERIFY2(ingested.err.contains(QStringLiteral("3 added")), qPrintable(ingested.err));

        const Run found = ragdesk({QStringLiteral("search"), QStringLiteral("remote"), QStringLiteral("why do otters hold hands"),
                                   QStringLiteral("--json")});
        QVERIFY2(found.exitCode == 0, qPrintable(found.err));
        QJsonObject top = parseObject(found.out).value(QStringLiteral("chunks")).toArray().first().toObject();
        QCOMPARE(top.value(QStringLiteral("document")).toString(), QStringLiteral("otters.md"));
        QVERIFY(top.value(QStringLiteral("vector_similarity")).toDouble() > 0.2); // the provider's vectors
        QVERIFY(top.value(QStringLiteral("rerank_score")).isNull());

        // Reranked by the built-in reranker, then by a provider: its call is in the log.
        const Run builtin = ragdesk({QStringLiteral("search"), QStringLiteral("remote"), QStringLiteral("why do otters hold hands"),
                                     QStringLiteral("--reranker"), QStringLiteral("builtin"), QStringLiteral("--json")});
        QVERIFY2(builtin.exitCode == 0, qPrintable(builtin.err));
        top = parseObject(builtin.out).value(QStringLiteral("chunks")).toArray().first().toObject();
        QCOMPARE(top.value(QStringLiteral("document")).toString(), QStringLiteral("otters.md"));
        QVERIFY(top.value(QStringLiteral("rerank_score")).toDouble() > 0);
        const Run reranked = ragdesk({QStringLiteral("search"), QStringLiteral("remote"), QStringLiteral("why do otters hold hands"),
                                      QStringLiteral("--reranker"), QStringLiteral("rr")});
        QVERIFY2(reranked.exitCode == 0, qPrintable(reranked.err));
        QVERIFY2(reranked.out.contains(QStringLiteral(", rerank ")), qPrintable(reranked.out));
        const Run calls = ragdesk({QStringLiteral("calls"), QStringLiteral("--provider"), QStringLiteral("rr"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(calls.out.toUtf8()).array().size(), 1);
        const Run unknown = ragdesk({QStringLiteral("search"), QStringLiteral("remote"), QStringLiteral("otters"),
                                     QStringLiteral("--reranker"), QStringLiteral("nobody")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("no provider named 'nobody'")), qPrintable(unknown.err));

        // Back to the built-in embedder, then to the provider again.
        const Run toBuiltin = ragdesk({QStringLiteral("kb"), QStringLiteral("reembed"), QStringLiteral("remote"),
                                       QStringLiteral("--embedder"), QStringLiteral("builtin")});
        QVERIFY2(toBuiltin.exitCode == 0, qPrintable(toBuiltin.err));
        QVERIFY2(toBuiltin.out.contains(QStringLiteral("re-embedded 'remote' with builtin (512 dimensions): 3 chunks")), qPrintable(toBuiltin.out));
        const Run local = ragdesk({QStringLiteral("search"), QStringLiteral("remote"), QStringLiteral("why do otters hold hands"),
                                   QStringLiteral("--json")});
        QCOMPARE(parseObject(local.out).value(QStringLiteral("chunks")).toArray().first().toObject().value(QStringLiteral("document")).toString(),
                 QStringLiteral("otters.md"));
        const Run unknownEmbedder = ragdesk({QStringLiteral("kb"), QStringLiteral("reembed"), QStringLiteral("remote"),
                                             QStringLiteral("--embedder"), QStringLiteral("nobody")});
        QCOMPARE(unknownEmbedder.exitCode, 1);
        QVERIFY2(unknownEmbedder.err.contains(QStringLiteral("cannot use embedder 'nobody'")), qPrintable(unknownEmbedder.err));
        const Run toProvider = ragdesk({QStringLiteral("kb"), QStringLiteral("reembed"), QStringLiteral("remote"),
                                        QStringLiteral("--embedder"), QStringLiteral("emb")});
        QVERIFY2(toProvider.out.contains(QStringLiteral("with emb (64 dimensions): 3 chunks")), qPrintable(toProvider.out + toProvider.err));
        const Run listedAfter = ragdesk({QStringLiteral("kb"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(listedAfter.out.toUtf8()).array().first().toObject().value(QStringLiteral("dimension")).toInt(), 64);

        for (const Run &run : {created, ingested, found, builtin, reranked, calls, toBuiltin, toProvider})
            QVERIFY(!run.out.contains(kSecret) && !run.err.contains(kSecret));
    }

    void whatCannotEmbedIsAClearError()
    {
        const Run unknown = ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("k"),
                                     QStringLiteral("--embedder"), QStringLiteral("nobody")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("cannot use embedder 'nobody': no provider named 'nobody'")), qPrintable(unknown.err));

        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY(!base.isEmpty());
        addProvider(QStringLiteral("emb"), QStringLiteral("ollama"), base + QStringLiteral("/ollama"));
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("k"), QStringLiteral("--embedder"),
                          QStringLiteral("emb")}).exitCode, 0);
        // The provider is moved to a server that refuses every call.
        QProcess failing;
        const QString profile = m_dir.filePath(QStringLiteral("profile.json"));
        QVERIFY(rag::test::writeFile(profile, R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})"));
        const QString failingBase = rag::test::startSimulatorProcess(failing, {QStringLiteral("--profile"), profile});
        QVERIFY(!failingBase.isEmpty());
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("remove"), QStringLiteral("emb")}).exitCode, 0);
        addProvider(QStringLiteral("emb"), QStringLiteral("ollama"), failingBase + QStringLiteral("/ollama"));
        const Run ingested = ragdesk({QStringLiteral("ingest"), QStringLiteral("k"), m_dir.filePath(QStringLiteral("docs"))});
        QCOMPARE(ingested.exitCode, 1);
        QVERIFY2(ingested.err.contains(QStringLiteral("embedder 'emb' answered HTTP 400")), qPrintable(ingested.err));
        QVERIFY2(ingested.err.contains(QStringLiteral("3 failed")), qPrintable(ingested.err));
        const Run search = ragdesk({QStringLiteral("search"), QStringLiteral("k"), QStringLiteral("otters")});
        QCOMPARE(search.exitCode, 1);
        QVERIFY2(search.err.contains(QStringLiteral("embedding the query with 'emb'")), qPrintable(search.err));
    }
};

QTEST_GUILESS_MAIN(TestCliEmbedders)
#include "tst_cli_embedders.moc"
