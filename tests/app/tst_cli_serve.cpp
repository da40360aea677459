// `ragdesk serve` as an operator runs it (docs/serve.md): it reads its keys from the variable
// named, refuses to listen beyond loopback without one, and on SIGTERM stops accepting, lets the
// stream in flight finish to its [DONE], then exits 0. The key never appears in its output.
#include "support/cli_runner.h"
#include "support/fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
using Run = rag::test::CliRun;
constexpr int kTimeoutMs = 20000;
const QByteArray kKey = "serve-test-key-7f3a";
} // namespace

class TestCliServe : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QProcess m_sim;

    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    Run ragdesk(const QStringList &args) { return rag::test::runRagdesk(dataDir(), args); }

    QProcessEnvironment withKey() const
    {
        QProcessEnvironment env = rag::test::cliEnvironment();
        env.insert(QStringLiteral("RAGDESK_TEST_SERVE_KEY"), QString::fromLatin1(kKey));
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString docs = m_dir.filePath(QStringLiteral("docs"));
        QVERIFY(rag::test::writeFile(docs + QStringLiteral("/otters.md"),
                                     "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QCOMPARE(ragdesk({QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("nature")}).exitCode, 0);
        QCOMPARE(ragdesk({QStringLiteral("ingest"), QStringLiteral("nature"), docs}).exitCode, 0);
        // A model that streams 40 tokens over about a second: long enough to be mid-stream at SIGTERM.
        const QString profile = m_dir.filePath(QStringLiteral("slow-chat.json"));
        QVERIFY(rag::test::writeFile(profile, R"({"endpoints":{"chat":{"stream_tokens":40,"tokens_per_s":40,"tokens_per_event":1}}})"));
        const QString sim = rag::test::startSimulatorProcess(m_sim, {QStringLiteral("--profile"), profile});
        QVERIFY(!sim.isEmpty());
        QCOMPARE(ragdesk({QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("simchat"), QStringLiteral("--kind"),
                          QStringLiteral("openai-compatible"), QStringLiteral("--base-url"), sim + QStringLiteral("/openai/v1"),
                          QStringLiteral("--model"), QStringLiteral("m")})
                     .exitCode,
                 0);
        QCOMPARE(ragdesk({QStringLiteral("assistant"), QStringLiteral("create"), QStringLiteral("streamer"), QStringLiteral("--kb"),
                          QStringLiteral("nature"), QStringLiteral("--llm"), QStringLiteral("simchat")})
                     .exitCode,
                 0);
    }

    void cleanupTestCase()
    {
        m_sim.kill();
        m_sim.waitForFinished();
    }

    void sigtermDrainsTheStreamInFlightThenExitsZero()
    {
        QProcess serve;
        const QString base = rag::test::startServeProcess(
            serve, dataDir(), {QStringLiteral("--api-key-env"), QStringLiteral("RAGDESK_TEST_SERVE_KEY")}, withKey());
        QVERIFY(!base.isEmpty());

        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(base + QStringLiteral("/v1/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + kKey);
        QNetworkReply *reply = nam.post(request, R"({"model":"streamer","stream":true,"messages":[{"role":"user","content":"Why do otters hold hands?"}]})");
        QByteArray got;
        connect(reply, &QNetworkReply::readyRead, this, [&] { got += reply->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(got.contains("\"content\""), kTimeoutMs); // mid-stream

        serve.terminate(); // SIGTERM
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || finished.wait(kTimeoutMs));
        got += reply->readAll();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QVERIFY2(got.trimmed().endsWith("data: [DONE]"), got.right(300).constData()); // the whole answer

        QVERIFY(serve.waitForFinished(kTimeoutMs));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        const QByteArray err = serve.readAllStandardError();
        QVERIFY2(err.contains("draining (1 answers in flight)"), err.constData());
        QVERIFY(err.contains("stopped"));
        QVERIFY(!err.contains(kKey) && !serve.readAllStandardOutput().contains(kKey));
        delete reply;
    }

    void wrongKeyIsRefused()
    {
        QProcess serve;
        const QString base = rag::test::startServeProcess(
            serve, dataDir(), {QStringLiteral("--api-key-env"), QStringLiteral("RAGDESK_TEST_SERVE_KEY")}, withKey());
        QVERIFY(!base.isEmpty());
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(base + QStringLiteral("/v1/models")));
        request.setRawHeader("Authorization", "Bearer not-" + kKey);
        QNetworkReply *reply = nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
        delete reply;
        serve.terminate();
        QVERIFY(serve.waitForFinished(kTimeoutMs));
        QCOMPARE(serve.exitCode(), 0); // nothing was in flight: at once
    }

    void beyondLoopbackNeedsAKey()
    {
        const Run open = ragdesk({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
        QCOMPARE(open.exitCode, 2);
        QVERIFY2(open.err.contains(QStringLiteral("needs --api-key-env")), qPrintable(open.err));
        const Run unset = ragdesk({QStringLiteral("serve"), QStringLiteral("--api-key-env"), QStringLiteral("RAGDESK_NO_SUCH_VARIABLE")});
        QCOMPARE(unset.exitCode, 2);
        QVERIFY2(unset.err.contains(QStringLiteral("RAGDESK_NO_SUCH_VARIABLE")), qPrintable(unset.err));
        const Run bad = ragdesk({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("localhost")});
        QCOMPARE(bad.exitCode, 2);
        QProcessEnvironment zeroRate = rag::test::cliEnvironment();
        zeroRate.insert(QStringLiteral("RAGDESK_TEST_SERVE_KEY"), QStringLiteral("team-key:0"));
        const Run badRate = rag::test::runRagdesk(dataDir(), {QStringLiteral("serve"), QStringLiteral("--api-key-env"),
                                                              QStringLiteral("RAGDESK_TEST_SERVE_KEY")}, zeroRate);
        QCOMPARE(badRate.exitCode, 2);
        QVERIFY2(badRate.err.contains(QStringLiteral("requests a second")), qPrintable(badRate.err));
        QVERIFY(!badRate.err.contains(QStringLiteral("team-key"))); // the key is never printed
    }
};

QTEST_GUILESS_MAIN(TestCliServe)
#include "tst_cli_serve.moc"
