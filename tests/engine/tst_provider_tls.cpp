// How providers reach the network: TLS checked against the system's CAs unless a provider names
// its own CA bundle or is marked insecure, and the system's proxy honoured. Real TLS and a real
// proxy on loopback (support/tcp_forwarder.h) in front of the simulator.
#include "core/error_kind.h"
#include "providers/http/provider_http_client.h"
#include "support/await_task.h"
#include "support/http_client_options.h"
#include "support/simulator_thread.h"
#include "support/tcp_forwarder.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace rag::providers;
using namespace std::chrono_literals;

namespace {

WireRequest rerankAt(const QString &base)
{
    WireRequest r;
    r.url = QUrl(base + QStringLiteral("/jina/v1/rerank"));
    r.body = R"({"model":"m","query":"sea otters","documents":["sea otters hold hands","the stock market"],"top_n":2})";
    return r;
}

HttpClientConfig config()
{
    return test::clientConfig(QStringLiteral("tls"));
}

using test::within;

QString httpsBase(const test::TcpForwarder &tls)
{
    return QStringLiteral("https://127.0.0.1:%1").arg(tls.port());
}

} // namespace

class TestProviderTls : public QObject {
    Q_OBJECT
    test::SimulatorThread m_sim;

private slots:
    void initTestCase() { QVERIFY(m_sim.ok()); }

    void anUntrustedCertificateIsATlsFailureAndNotRetried()
    {
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, m_sim.port());
        QVERIFY(tls.ok());
        ProviderHttpClient client(config());
        const HttpOutcome outcome = test::await(client.post(rerankAt(httpsBase(tls)), within(5s)));
        QCOMPARE(outcome.error, HttpError::Tls);
        QCOMPARE(outcome.attempts, 1);
        const Error error = callFailure(QStringLiteral("reranker 'tls'"), outcome);
        QCOMPARE(errorKindName(error), QStringLiteral("tls"));
        QVERIFY2(error.message.contains(QStringLiteral("(tls)")), qPrintable(error.message));
    }

    void aProvidersCaBundleMakesItsCertificateTrusted()
    {
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, m_sim.port());
        QVERIFY(tls.ok());
        HttpClientConfig c = config();
        c.caBundle = test::TcpForwarder::certificatePath();
        ProviderHttpClient client(c);
        const HttpOutcome outcome = test::await(client.post(rerankAt(httpsBase(tls)), within(5s)));
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(outcome.status, 200);
        QVERIFY(outcome.body.contains("relevance_score"));
        // The bundle belongs to that provider: another one still checks against the system's CAs.
        ProviderHttpClient other(config());
        QCOMPARE(test::await(other.post(rerankAt(httpsBase(tls)), within(5s))).error, HttpError::Tls);
    }

    void anInsecureProviderSkipsTheCheck()
    {
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, m_sim.port());
        QVERIFY(tls.ok());
        HttpClientConfig c = config();
        c.tlsInsecure = true;
        ProviderHttpClient client(c);
        const HttpOutcome outcome = test::await(client.post(rerankAt(httpsBase(tls)), within(5s)));
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
    }

    void anUnreadableCaBundleFailsEveryCallWithoutConnecting()
    {
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, m_sim.port());
        QVERIFY(tls.ok());
        QTemporaryDir dir;
        const QString notPem = dir.filePath(QStringLiteral("bundle.pem"));
        QFile file(notPem);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a certificate\n");
        file.close();
        HttpClientConfig c = config();
        c.caBundle = notPem;
        ProviderHttpClient client(c);
        const HttpOutcome outcome = test::await(client.post(rerankAt(httpsBase(tls)), within(5s)));
        QCOMPARE(outcome.error, HttpError::Tls);
        QVERIFY2(outcome.message.contains(QStringLiteral("holds no readable PEM certificate")), qPrintable(outcome.message));
        QCOMPARE(tls.connections(), 0); // never trusted the system's CAs instead
        QCOMPARE(client.stats().failed, qint64(1));
    }

    // Blocking calls share a network manager per worker thread, and Qt reuses a connection by
    // host and port: one opened without checks must not carry a checked provider's call.
    void anUncheckedConnectionIsNeverReusedByACheckedProvider()
    {
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, m_sim.port());
        QVERIFY(tls.ok());
        HttpClientConfig insecureConfig = config();
        insecureConfig.tlsInsecure = true;
        ProviderHttpClient insecure(insecureConfig);
        ProviderHttpClient checked(config());
        QThreadPool oneThread; // both calls on one worker thread, as a blocking pool would make them
        oneThread.setMaxThreadCount(1);
        const WireRequest request = rerankAt(httpsBase(tls));
        auto first = QtConcurrent::run(&oneThread, [&] { return insecure.postBlocking(request, within(5s)); });
        QTRY_VERIFY_WITH_TIMEOUT(first.isFinished(), 10000);
        QVERIFY2(first.result().ok(), qPrintable(first.result().message));
        auto second = QtConcurrent::run(&oneThread, [&] { return checked.postBlocking(request, within(5s)); });
        QTRY_VERIFY_WITH_TIMEOUT(second.isFinished(), 10000);
        QCOMPARE(second.result().error, HttpError::Tls);
    }

    // The system's proxy (here the environment's http_proxy, read through libproxy) carries
    // provider calls; run last, as the proxy setting stays with the process.
    void theSystemProxyCarriesProviderCalls()
    {
        test::TcpForwarder proxy(test::TcpForwarder::Mode::HttpProxy, m_sim.port());
        QVERIFY(proxy.ok());
        qputenv("http_proxy", QStringLiteral("http://127.0.0.1:%1").arg(proxy.port()).toLatin1());
        qunsetenv("no_proxy");
        qunsetenv("NO_PROXY");
        ProviderHttpClient client(config());
        // A host name that is not the proxy's own address: what it forwards to is the simulator.
        const QString base = QStringLiteral("http://provider.example:%1").arg(m_sim.port());
        const HttpOutcome outcome = test::await(client.post(rerankAt(base), within(5s)));
        qunsetenv("http_proxy");
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(proxy.connections(), 1);
        QCOMPARE(proxy.firstRequestLine(), QStringLiteral("POST http://provider.example:%1/jina/v1/rerank HTTP/1.1").arg(m_sim.port()).toLatin1());
    }
};

QTEST_MAIN(TestProviderTls)
#include "tst_provider_tls.moc"
