// A provider that echoes the key it was sent in its error (a 401 "invalid key: sk-..."): the key
// must not reach the error text a caller gets, a provider test's report, or the call log's error
// and body columns. The provider is a real HTTP server over loopback.
#include "api/configured_providers.h"
#include "api/rerank_calls.h"
#include "net/http_server.h"
#include "support/temp_workspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace rag;

namespace {

const QString kKey = QStringLiteral("sk-echoed-back-13579");

} // namespace

class TestSecretEcho : public QObject {
    Q_OBJECT
    std::unique_ptr<net::HttpServer> m_server;
    std::unique_ptr<test::TempWorkspace> m_ws;

private Q_SLOTS:
    void init()
    {
        // Every request is refused with the bearer token quoted back, as some gateways do.
        m_server = std::make_unique<net::HttpServer>([](const net::HttpRequest &request, net::HttpResponder *responder) {
            const QByteArray token = request.header("authorization").mid(7);
            const QJsonObject error{{QStringLiteral("message"), QStringLiteral("invalid api key: ") + QString::fromUtf8(token)},
                                    {QStringLiteral("type"), QStringLiteral("invalid_request_error")}};
            responder->respond(401, "application/json", QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson());
        });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_ws = std::make_unique<test::TempWorkspace>();
    }

    void cleanup()
    {
        m_ws.reset();
        m_server.reset();
    }

    void theKeyIsScrubbedFromErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("capability");
        QTest::newRow("rerank") << QStringLiteral("jina") << QStringLiteral("/v1") << QStringLiteral("rerank");
        QTest::newRow("embeddings") << QStringLiteral("openai-compatible") << QStringLiteral("/v1") << QStringLiteral("embeddings");
        QTest::newRow("chat") << QStringLiteral("openai-compatible") << QStringLiteral("/v1") << QStringLiteral("chat");
    }

    void theKeyIsScrubbedFromErrors()
    {
        QFETCH(QString, kind);
        QFETCH(QString, path);
        QFETCH(QString, capability);
        const api::ConfiguredProviders providers(*m_ws->workspace);
        QString warning;
        const QString base = QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path);
        QVERIFY(providers.add({QStringLiteral("echo"), kind, base, QStringLiteral("m")}, kKey, &warning));

        const api::ProviderTestReport report = providers.test(QStringLiteral("echo"), capability);
        QVERIFY(!report.ok);
        QVERIFY2(report.error.contains(QStringLiteral("401")) && report.error.contains(QStringLiteral("invalid api key")),
                 qPrintable(report.error));
        QVERIFY2(!report.error.contains(kKey), qPrintable(report.error));
        QVERIFY(report.error.contains(QStringLiteral("[redacted]")));

        if (capability == QLatin1String("rerank")) {
            auto calls = api::RerankCalls(*m_ws->workspace).query({.limit = 10, .withBodies = true});
            QVERIFY(calls && calls->size() == 1);
            const api::RerankCallRecord &call = calls->constFirst();
            QVERIFY(!call.ok);
            QVERIFY2(!call.error.contains(kKey) && call.error.contains(QStringLiteral("invalid api key")), qPrintable(call.error));
            QVERIFY(!call.responseBody.contains(kKey) && !call.requestBody.contains(kKey));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecretEcho)
#include "tst_secret_echo.moc"
