// `ragdesk providers`, `calls` and `sim` as a user runs them: the simulator as its own process,
// a provider added with its key from the environment, one real test call, the call log.
#include "support/cli_runner.h"
#include "support/fixtures.h"
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = rag::test::CliRun;

const QString kSecret = QStringLiteral("sk-cli-secret-98765");

} // namespace

class TestCliProviders : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = rag::test::cliEnvironment();
        env.insert(QStringLiteral("TEST_PROVIDER_KEY"), kSecret);
        return env;
    }

    Run ragdesk(const QStringList &args)
    {
        return rag::test::runRagdesk(m_dir.filePath(QStringLiteral("data")), args, environment());
    }

private Q_SLOTS:
    void providerLifecycleAgainstTheSimulator()
    {
        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY2(!base.isEmpty(), "ragdesk sim printed its address");

        const Run added = ragdesk({QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("jina-sim"),
                                   QStringLiteral("--kind"), QStringLiteral("jina"), QStringLiteral("--base-url"),
                                   base + QStringLiteral("/jina/v1"), QStringLiteral("--model"), QStringLiteral("jina-reranker-v2"),
                                   QStringLiteral("--api-key-env"), QStringLiteral("TEST_PROVIDER_KEY")});
        QCOMPARE(added.exitCode, 0);
        // The fallback is explicit, and says where the key went without showing it.
        QVERIFY2(added.err.contains(QStringLiteral("not in a keychain")), qPrintable(added.err));
        QVERIFY(!added.err.contains(kSecret) && !added.out.contains(kSecret));
        const QString keyFile = m_dir.filePath(QStringLiteral("data/provider-keys.json"));
        QCOMPARE(QFile::permissions(keyFile) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                                | QFileDevice::WriteOther),
                 QFileDevice::Permissions());

        const Run list = ragdesk({QStringLiteral("providers"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(!list.out.contains(kSecret));
        const QJsonObject provider = QJsonDocument::fromJson(list.out.toUtf8()).array().first().toObject();
        QCOMPARE(provider.value(QStringLiteral("name")).toString(), QStringLiteral("jina-sim"));
        QCOMPARE(provider.value(QStringLiteral("kind")).toString(), QStringLiteral("jina"));
        QCOMPARE(provider.value(QStringLiteral("key")).toString(), QStringLiteral("file"));
        QCOMPARE(provider.value(QStringLiteral("max_connections")).toInt(), 32);
        QVERIFY(provider.value(QStringLiteral("serves")).toArray().contains(QStringLiteral("rerank")));

        const Run tested = ragdesk({QStringLiteral("providers"), QStringLiteral("test"), QStringLiteral("jina-sim")});
        QCOMPARE(tested.exitCode, 0);
        QVERIFY2(tested.out.startsWith(QStringLiteral("ok: jina-sim rerank answered in")), qPrintable(tested.out));

        const Run calls = ragdesk({QStringLiteral("calls"), QStringLiteral("--json"), QStringLiteral("--bodies")});
        QCOMPARE(calls.exitCode, 0);
        QVERIFY(!calls.out.contains(kSecret));
        const QJsonArray logged = QJsonDocument::fromJson(calls.out.toUtf8()).array();
        QCOMPARE(logged.size(), 1);
        const QJsonObject call = logged.first().toObject();
        QCOMPARE(call.value(QStringLiteral("provider")).toString(), QStringLiteral("jina-sim"));
        QCOMPARE(call.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(call.value(QStringLiteral("http_status")).toInt(), 200);
        QCOMPARE(call.value(QStringLiteral("documents")).toInt(), 2);
        QVERIFY(call.value(QStringLiteral("endpoint")).toString().endsWith(QStringLiteral("/jina/v1/rerank")));
        QVERIFY(call.value(QStringLiteral("request_body")).toString().contains(QStringLiteral("sea otters")));

        // With the provider gone, the test reports the failure and it is logged as an error.
        sim.kill();
        sim.waitForFinished();
        const Run down = ragdesk({QStringLiteral("providers"), QStringLiteral("test"), QStringLiteral("jina-sim")});
        QCOMPARE(down.exitCode, 1);
        QVERIFY2(down.err.contains(QStringLiteral("jina-sim")), qPrintable(down.err));
        const Run errors = ragdesk({QStringLiteral("calls"), QStringLiteral("--status"), QStringLiteral("error"),
                                    QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(errors.out.toUtf8()).array().size(), 1);

        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("remove"), QStringLiteral("jina-sim")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("list"), QStringLiteral("--json")}).out.trimmed(),
                 QStringLiteral("[]"));
        QFile keys(keyFile);
        QVERIFY(keys.open(QIODevice::ReadOnly));
        QVERIFY(!keys.readAll().contains(kSecret.toUtf8())); // the key went with the provider
    }

    // Without --capability, a provider is tested for what the assistants use it for: an
    // OpenAI-compatible provider that an assistant answers with is tested with a chat call.
    void testChecksWhatAssistantsUseTheProviderFor()
    {
        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY2(!base.isEmpty(), "ragdesk sim printed its address");
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("oa-sim"), QStringLiteral("--kind"),
                          QStringLiteral("openai-compatible"), QStringLiteral("--base-url"), base + QStringLiteral("/openai/v1"),
                          QStringLiteral("--model"), QStringLiteral("m")}).exitCode, 0);
        auto capabilityTested = [this] {
            const Run run = ragdesk({QStringLiteral("providers"), QStringLiteral("test"), QStringLiteral("oa-sim"), QStringLiteral("--json")});
            const QJsonObject report = QJsonDocument::fromJson(run.out.toUtf8()).object();
            return report.value(QStringLiteral("ok")).toBool() ? report.value(QStringLiteral("capability")).toString()
                                                               : QStringLiteral("failed: ") + run.out + run.err;
        };
        QCOMPARE(capabilityTested(), QStringLiteral("rerank")); // unused: the first it serves
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("notes")}).exitCode, 0);
        const Run assistant = ragdesk({QStringLiteral("assistant"), QStringLiteral("create"), QStringLiteral("helper"),
                                       QStringLiteral("--kb"), QStringLiteral("notes"), QStringLiteral("--llm"), QStringLiteral("oa-sim")});
        QVERIFY2(assistant.exitCode == 0, qPrintable(assistant.err));
        QCOMPARE(capabilityTested(), QStringLiteral("chat"));
        // The data folder is shared by this suite's functions: leave it as found.
        QCOMPARE(ragdesk({QStringLiteral("assistant"), QStringLiteral("remove"), QStringLiteral("helper")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("remove"), QStringLiteral("oa-sim")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("remove"), QStringLiteral("notes")}).exitCode, 0);
    }

    // `calls replay`: an answer's rerank call sent again to the built-in reranker, both rankings
    // in JSON; calls that cannot be replayed, and bad arguments, say why.
    void replaysALoggedCall()
    {
        QProcess sim;
        const QString base = rag::test::startSimulatorProcess(sim);
        QVERIFY2(!base.isEmpty(), "ragdesk sim printed its address");
        const QString data = m_dir.filePath(QStringLiteral("replay-data"));
        const auto run = [&](const QStringList &args) { return rag::test::runRagdesk(data, args, environment()); };
        const QString docs = m_dir.filePath(QStringLiteral("replay-docs"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/otters.md"), "# Otters\nSea otters hold hands while they sleep.\n"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/bees.md"), "# Bees\nBees dance to point at flowers.\n"));
        QCOMPARE(run({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("nature")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("ingest"), QStringLiteral("nature"), docs}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("jina-sim"), QStringLiteral("--kind"),
                      QStringLiteral("jina"), QStringLiteral("--base-url"), base + QStringLiteral("/jina/v1"),
                      QStringLiteral("--model"), QStringLiteral("jina-reranker-v2"), QStringLiteral("--api-key-env"),
                      QStringLiteral("TEST_PROVIDER_KEY")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("providers"), QStringLiteral("test"), QStringLiteral("jina-sim")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("ask"), QStringLiteral("nature"), QStringLiteral("why do otters hold hands"),
                      QStringLiteral("--reranker"), QStringLiteral("jina-sim")}).exitCode, 0);

        const QJsonArray calls = QJsonDocument::fromJson(
            run({QStringLiteral("calls"), QStringLiteral("--json"), QStringLiteral("--bodies")}).out.toUtf8()).array();
        QCOMPARE(calls.size(), 2);
        const QJsonObject answered = calls.at(0).toObject(); // newest first
        QCOMPARE(answered.value(QStringLiteral("query")).toString(), QStringLiteral("why do otters hold hands"));
        QCOMPARE(answered.value(QStringLiteral("chunk_ids")).toArray().size(), 2);
        QCOMPARE(answered.value(QStringLiteral("scores")).toArray().size(), 2);
        const QString id = QString::number(answered.value(QStringLiteral("id")).toInteger());

        const Run replayed = run({QStringLiteral("calls"), QStringLiteral("replay"), id, QStringLiteral("--reranker"),
                                  QStringLiteral("builtin"), QStringLiteral("--json")});
        QCOMPARE(replayed.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(replayed.out.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("call")).toInteger(), id.toLongLong());
        QCOMPARE(report.value(QStringLiteral("logged")).toObject().value(QStringLiteral("provider")).toString(), QStringLiteral("jina-sim"));
        QCOMPARE(report.value(QStringLiteral("replay")).toObject().value(QStringLiteral("provider")).toString(), QStringLiteral("builtin"));
        QCOMPARE(report.value(QStringLiteral("missing")).toInt(), 0);
        const QJsonArray documents = report.value(QStringLiteral("documents")).toArray();
        QCOMPARE(documents.size(), 2);
        QSet<int> replayRanks;
        for (int i = 0; i < documents.size(); ++i) {
            const QJsonObject d = documents.at(i).toObject();
            QCOMPARE(d.value(QStringLiteral("logged_rank")).toInt(), i + 1);
            replayRanks.insert(d.value(QStringLiteral("replay_rank")).toInt());
            QCOMPARE(d.value(QStringLiteral("change")).toInt(),
                     d.value(QStringLiteral("logged_rank")).toInt() - d.value(QStringLiteral("replay_rank")).toInt());
        }
        QCOMPARE(replayRanks, (QSet<int>{1, 2}));
        const Run table = run({QStringLiteral("calls"), QStringLiteral("replay"), id, QStringLiteral("--reranker"), QStringLiteral("builtin")});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(QStringLiteral("logged by jina-sim")) && table.out.contains(QStringLiteral("replayed by builtin")),
                 qPrintable(table.out));

        const QString probe = QString::number(calls.at(1).toObject().value(QStringLiteral("id")).toInteger());
        const Run refused = run({QStringLiteral("calls"), QStringLiteral("replay"), probe, QStringLiteral("--reranker"), QStringLiteral("builtin")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("without its documents")), qPrintable(refused.err));
        QCOMPARE(run({QStringLiteral("calls"), QStringLiteral("replay"), QStringLiteral("first"), QStringLiteral("--reranker"),
                      QStringLiteral("builtin")}).exitCode, 2);
        const Run noReranker = run({QStringLiteral("calls"), QStringLiteral("replay"), id});
        QCOMPARE(noReranker.exitCode, 2);
        QVERIFY(noReranker.err.contains(QStringLiteral("--reranker")));
        QVERIFY(!replayed.out.contains(kSecret) && !table.out.contains(kSecret));
    }

    void builtinProviderNeedsNoConfiguration()
    {
        const Run tested = ragdesk({QStringLiteral("providers"), QStringLiteral("test"), QStringLiteral("builtin"),
                                    QStringLiteral("--json")});
        QCOMPARE(tested.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(tested.out.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("capability")).toString(), QStringLiteral("rerank"));
    }

    void badProviderInputIsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList add = {QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("p")};
        QTest::newRow("unknown kind") << add + QStringList{"--kind", "nope", "--base-url", "http://x"} << "unknown provider kind";
        QTest::newRow("not a URL") << add + QStringList{"--kind", "jina", "--base-url", "ftp://x", "--model", "m"} << "--base-url";
        QTest::newRow("no model") << add + QStringList{"--kind", "cohere", "--base-url", "http://x"} << "--model";
        QTest::newRow("key variable unset")
            << add + QStringList{"--kind", "tei", "--base-url", "http://x", "--api-key-env", "RAGDESK_NO_SUCH_VAR"} << "not set";
        QTest::newRow("reserved name") << QStringList{"providers", "add", "builtin", "--kind", "tei", "--base-url", "http://x"}
                                       << "built-in";
        QTest::newRow("credentials in URL") << add + QStringList{"--kind", "tei", "--base-url", "http://u:pw@x"} << "credentials";
        QTest::newRow("connections out of range")
            << add + QStringList{"--kind", "tei", "--base-url", "http://x", "--max-connections", "0"} << "--max-connections";
        QTest::newRow("unknown provider test") << QStringList{"providers", "test", "ghost"} << "ghost";
    }

    void badProviderInputIsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run run = ragdesk(args);
        QVERIFY(run.exitCode != 0);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(QJsonDocument::fromJson(ragdesk({QStringLiteral("providers"), QStringLiteral("list"), QStringLiteral("--json")})
                                             .out.toUtf8()).array().size(), 0);
    }

    void badCallsAndSimOptionsAreUsageErrors()
    {
        QCOMPARE(ragdesk({QStringLiteral("calls"), QStringLiteral("--status"), QStringLiteral("maybe")}).exitCode, 2);
        const Run since = ragdesk({QStringLiteral("calls"), QStringLiteral("--since"), QStringLiteral("yesterday")});
        QCOMPARE(since.exitCode, 2);
        QVERIFY(since.err.contains(QStringLiteral("ISO 8601")));
        QCOMPARE(ragdesk({QStringLiteral("calls"), QStringLiteral("--provider"), QStringLiteral("nobody"), QStringLiteral("--json")})
                     .out.trimmed(),
                 QStringLiteral("[]"));
        QCOMPARE(ragdesk({QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("nowhere")}).exitCode, 2);
        const Run profile = ragdesk({QStringLiteral("sim"), QStringLiteral("--profile"), m_dir.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(profile.exitCode, 1);
        QVERIFY(!profile.err.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliProviders)
#include "tst_cli_providers.moc"
