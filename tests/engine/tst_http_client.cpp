// The pooled provider HTTP client over real loopback HTTP against the simulator: retries,
// Retry-After, deadlines, cancellation (queued, in flight, mid-stream), inactivity, overload,
// the blocking path, and concurrency bounded by the pool rather than by Qt's six connections.
#include "providers/http/provider_http_client.h"
#include "support/await_task.h"
#include "support/http_client_options.h"
#include "support/simulator_thread.h"

#include <QTcpServer>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace rag::providers;
using namespace std::chrono_literals;

namespace {

WireRequest rerankRequest(const test::SimulatorThread &sim, const QString &route = QStringLiteral("/jina/v1/rerank"))
{
    WireRequest r;
    r.url = QUrl(sim.url(route));
    r.body = R"({"model":"m","query":"sea otters","documents":["sea otters hold hands","the stock market"],"top_n":2})";
    return r;
}

WireRequest chatRequest(const test::SimulatorThread &sim)
{
    WireRequest r;
    r.url = QUrl(sim.url(QStringLiteral("/openai/v1/chat/completions")));
    r.body = R"({"model":"m","messages":[{"role":"user","content":"tell me about sea otters"}],"stream":true})";
    return r;
}

HttpClientConfig config(int maxConnections = 32)
{
    return test::clientConfig(QStringLiteral("sim"), maxConnections);
}

using test::within;

} // namespace

class TestHttpClient : public QObject {
    Q_OBJECT
private slots:
    void answersAndCounts();
    void retriesTransientStatuses();
    void honoursRetryAfter();
    void doesNotRetryOtherStatuses();
    void retriesConnectErrorsWithinTheDeadline();
    void deadlineEndsAHang();
    void cancelAbortsTheReplyInFlight();
    void cancelLeavesTheQueue();
    void fullQueueRefusesAtOnce();
    void streamsAndStopsOnInactivity();
    void cancelMidStream();
    void blockingPathSendsTheSameRequest();
    void concurrencyIsBoundedByThePool_data();
    void concurrencyIsBoundedByThePool();
};

void TestHttpClient::answersAndCounts()
{
    test::SimulatorThread sim;
    QVERIFY(sim.ok());
    ProviderHttpClient client(config());
    const HttpOutcome outcome = test::await(client.post(rerankRequest(sim), within(5s)));
    QVERIFY2(outcome.ok(), qPrintable(outcome.message));
    QCOMPARE(outcome.status, 200);
    QCOMPARE(outcome.attempts, 1);
    QVERIFY(outcome.body.contains("relevance_score"));
    const HttpClientStats stats = client.stats();
    QCOMPARE(stats.completed, 1);
    QCOMPARE(stats.failed, 0);
    QCOMPARE(stats.inFlight, 0);
    QCOMPARE(stats.latency.count(), 1);
    QCOMPARE(stats.managers, 1);
}

void TestHttpClient::retriesTransientStatuses()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":503,"first":1},
                                                             {"kind":"status","status":502,"first":2}]}}})");
    ProviderHttpClient client(config());
    const HttpOutcome outcome = test::await(client.post(rerankRequest(sim), within(5s)));
    QVERIFY2(outcome.ok(), qPrintable(outcome.message));
    QCOMPARE(outcome.attempts, 3);
    QCOMPARE(sim.counters().requests.load(), 3);
    QCOMPARE(client.stats().retried, 2);
    QCOMPARE(client.stats().completed, 1);
}

void TestHttpClient::honoursRetryAfter()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"retry_after","retry_after_s":1,"first":1}]}}})");
    ProviderHttpClient client(config());
    const HttpOutcome outcome = test::await(client.post(rerankRequest(sim), within(5s)));
    QVERIFY2(outcome.ok(), qPrintable(outcome.message));
    QCOMPARE(outcome.attempts, 2);
    // The backoff alone would be 10-20 ms: the second attempt waited for what the server asked.
    QVERIFY2(outcome.latencyMicros >= 1'000'000, qPrintable(QString::number(outcome.latencyMicros)));

    // A Retry-After beyond the deadline ends the call at once with the 429.
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"retry_after","retry_after_s":30}]}}})");
    const HttpOutcome refused = test::await(client.post(rerankRequest(sim), within(2s)));
    QCOMPARE(refused.error, HttpError::Status);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.attempts, 1);
}

void TestHttpClient::doesNotRetryOtherStatuses()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":500}]}}})");
    ProviderHttpClient client(config());
    const HttpOutcome outcome = test::await(client.post(rerankRequest(sim), within(5s)));
    QCOMPARE(outcome.error, HttpError::Status);
    QCOMPARE(outcome.status, 500);
    QCOMPARE(outcome.attempts, 1);
    QVERIFY(!outcome.body.isEmpty()); // kept for the provider's message

    WireRequest bad = rerankRequest(sim);
    bad.body = "{not json";
    sim.setProfileJson(R"({})");
    const HttpOutcome rejected = test::await(client.post(bad, within(5s)));
    QCOMPARE(rejected.status, 400);
    QCOMPARE(rejected.attempts, 1);
    QCOMPARE(client.stats().failed, 2);
}

void TestHttpClient::retriesConnectErrorsWithinTheDeadline()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there now: connections are refused

    HttpClientConfig c = config();
    c.retry.maxAttempts = 3;
    ProviderHttpClient client(c);
    WireRequest r;
    r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/jina/v1/rerank").arg(port));
    r.body = "{}";
    const HttpOutcome outcome = test::await(client.post(r, within(5s)));
    QCOMPARE(outcome.error, HttpError::Connect);
    QCOMPARE(outcome.attempts, 3);
    QCOMPARE(client.stats().retried, 2);
}

void TestHttpClient::deadlineEndsAHang()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    ProviderHttpClient client(config());
    const HttpOutcome outcome = test::await(client.post(rerankRequest(sim), within(300ms)));
    QCOMPARE(outcome.error, HttpError::Timeout);
    QCOMPARE(outcome.attempts, 1);
    QVERIFY(outcome.latencyMicros >= 300'000);
    QCOMPARE(client.stats().failed, 1);
    QCOMPARE(client.stats().inFlight, 0);
    // The abandoned request's connection is closed, so the simulator stops holding it.
    QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, 5000);
}

void TestHttpClient::cancelAbortsTheReplyInFlight()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    ProviderHttpClient client(config());
    HttpCallOptions options = within(30s);
    options.cancel = CancelToken::create();
    auto call = client.post(rerankRequest(sim), options);
    QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 1, 5000);
    options.cancel->cancel();
    const HttpOutcome outcome = test::await(std::move(call));
    QCOMPARE(outcome.error, HttpError::Cancelled);
    QCOMPARE(client.stats().inFlight, 0);
    QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, 5000);
}

void TestHttpClient::cancelLeavesTheQueue()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang","first":1}]}}})");
    ProviderHttpClient client(config(1));
    HttpCallOptions first = within(30s);
    first.cancel = CancelToken::create();
    auto holding = client.post(rerankRequest(sim), first);
    HttpCallOptions second = within(30s);
    second.cancel = CancelToken::create();
    auto waiting = client.post(rerankRequest(sim), second);
    QCOMPARE(client.stats().inFlight, 1);
    QCOMPARE(client.stats().queued, 1);

    second.cancel->cancel();
    const HttpOutcome cancelled = test::await(std::move(waiting));
    QCOMPARE(cancelled.error, HttpError::Cancelled);
    QCOMPARE(cancelled.attempts, 0);
    QCOMPARE(client.stats().queued, 0);

    // The slot is still the first call's; once it is cancelled a new call gets it at once.
    first.cancel->cancel();
    QCOMPARE(test::await(std::move(holding)).error, HttpError::Cancelled);
    const HttpOutcome next = test::await(client.post(rerankRequest(sim), within(5s)));
    QVERIFY2(next.ok(), qPrintable(next.message));
    QCOMPARE(next.queuedMicros < 100'000, true);
}

void TestHttpClient::fullQueueRefusesAtOnce()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    HttpClientConfig c = config(1);
    c.maxQueued = 1;
    ProviderHttpClient client(c);
    HttpCallOptions options = within(30s);
    options.cancel = CancelToken::create();
    auto a = client.post(rerankRequest(sim), options);
    auto b = client.post(rerankRequest(sim), options);
    const HttpOutcome refused = test::await(client.post(rerankRequest(sim), options));
    QCOMPARE(refused.error, HttpError::Overloaded);
    QCOMPARE(refused.attempts, 0);
    options.cancel->cancel();
    QCOMPARE(test::await(std::move(a)).error, HttpError::Cancelled);
    QCOMPARE(test::await(std::move(b)).error, HttpError::Cancelled);
}

void TestHttpClient::streamsAndStopsOnInactivity()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":12,"tokens_per_s":100,"tokens_per_event":2}}})");
    ProviderHttpClient client(config());
    int reads = 0;
    QByteArray streamed;
    HttpCallOptions options = within(5s);
    options.onData = [&](QByteArrayView bytes) {
        ++reads;
        streamed.append(bytes.data(), bytes.size());
        return true;
    };
    const HttpOutcome outcome = test::await(client.post(chatRequest(sim), options));
    QVERIFY2(outcome.ok(), qPrintable(outcome.message));
    QVERIFY(outcome.producedOutput);
    QVERIFY(outcome.body.isEmpty()); // streamed bytes went to the reader
    QVERIFY2(reads > 1, "events paced 20 ms apart arrive in several reads");
    QVERIFY(streamed.contains("data: [DONE]"));

    // Events 500 ms apart against a 150 ms inactivity limit: the stall ends the call, and it is
    // not retried because part of the answer was already delivered.
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":8,"tokens_per_s":2,"tokens_per_event":1}}})");
    options.inactivity = 150ms;
    const HttpOutcome stalled = test::await(client.post(chatRequest(sim), options));
    QCOMPARE(stalled.error, HttpError::Inactivity);
    QVERIFY(stalled.producedOutput);
    QCOMPARE(stalled.attempts, 1);
}

void TestHttpClient::cancelMidStream()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":200,"tokens_per_s":50,"tokens_per_event":1}}})");
    ProviderHttpClient client(config());
    HttpCallOptions options = within(30s);
    options.cancel = CancelToken::create();
    int reads = 0;
    options.onData = [&](QByteArrayView) {
        if (++reads == 2)
            options.cancel->cancel();
        return true;
    };
    const HttpOutcome outcome = test::await(client.post(chatRequest(sim), options));
    QCOMPARE(outcome.error, HttpError::Cancelled);
    QVERIFY(outcome.producedOutput);
    QCOMPARE(reads, 2); // nothing more was read after the cancel
    QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, 5000);
}

void TestHttpClient::blockingPathSendsTheSameRequest()
{
    test::SimulatorThread sim;
    ProviderHttpClient client(config());
    client.setApiKey(QStringLiteral("sk-test-secret"));
    const WireRequest request = rerankRequest(sim);
    const HttpOutcome async = test::await(client.post(request, within(5s)));
    QVERIFY2(async.ok(), qPrintable(async.message));
    const QByteArray asyncBody = sim.simulator().lastRequestBody("/jina/v1/rerank");
    const QByteArray asyncAuth = sim.simulator().lastRequestHeader("/jina/v1/rerank", "authorization");

    QFuture<HttpOutcome> blocking = QtConcurrent::run([&] { return client.postBlocking(request, within(5s)); });
    QTRY_VERIFY_WITH_TIMEOUT(blocking.isFinished(), 10000);
    QVERIFY2(blocking.result().ok(), qPrintable(blocking.result().message));
    QCOMPARE(blocking.result().body, async.body);
    QCOMPARE(sim.simulator().lastRequestBody("/jina/v1/rerank"), asyncBody);
    QCOMPARE(sim.simulator().lastRequestHeader("/jina/v1/rerank", "authorization"), asyncAuth);
    QCOMPARE(asyncAuth, QByteArray("Bearer sk-test-secret"));
    QCOMPARE(client.stats().completed, 2);
}

void TestHttpClient::concurrencyIsBoundedByThePool_data()
{
    QTest::addColumn<int>("pool");
    QTest::newRow("a connection per call") << 256;
    QTest::newRow("the default pool of 32") << 32;
}

void TestHttpClient::concurrencyIsBoundedByThePool()
{
    QFETCH(int, pool);
    constexpr int calls = 256;
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"rerank":{"latency":{"model":"fixed","ms":200}}}})");
    const int threadsBefore = test::processThreadCount();
    ProviderHttpClient client(config(pool));

    QElapsedTimer clock;
    clock.start();
    std::vector<QCoro::Task<HttpOutcome>> tasks;
    for (int i = 0; i < calls; ++i)
        tasks.push_back(client.post(rerankRequest(sim), within(30s)));
    // Admission is decided at once: the pool's worth goes out, the rest wait in the queue.
    QCOMPARE(client.stats().inFlight, pool);
    QCOMPARE(client.stats().queued, calls - pool);
    int ok = 0;
    for (auto &task : tasks)
        ok += test::await(std::move(task)).ok() ? 1 : 0;
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(ok, calls);

    // The simulator saw as many requests at once as the pool allows, never Qt's six.
    QCOMPARE(sim.counters().peakInFlight.load(), pool);
    const HttpClientStats stats = client.stats();
    QCOMPARE(stats.completed, calls);
    QCOMPARE(stats.queued, 0);
    const int managers = (pool + 5) / 6;
    QCOMPARE(stats.managers, managers);
    // Each manager brings one thread: the process grows by the pool's managers, not by the calls.
    const int threadsAfter = test::processThreadCount();
    QVERIFY2(threadsAfter - threadsBefore <= managers + 2,
             qPrintable(QStringLiteral("%1 threads before, %2 after").arg(threadsBefore).arg(threadsAfter)));
    qInfo("pool %d: %d calls of 200 ms in %lld ms, %d threads added, latency p50 %lld us p99 %lld us", pool, calls,
          elapsed, threadsAfter - threadsBefore, stats.latency.percentile(0.5), stats.latency.percentile(0.99));
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_http_client.moc"
