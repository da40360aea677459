// serve's HTTP API over real loopback HTTP (docs/serve.md): OpenAI chat completions streamed and
// not, multi-turn from the history the client sends, models, keys, malformed and oversized
// requests, a client leaving mid-stream (the simulator sees its stream end), 503 under overload,
// readiness, and the drain that lets answers finish before the server stops.
#include "support/http_exchange.h"
#include "support/serve_fixture.h"
#include "support/simulator_thread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rag;

namespace {

constexpr int kTimeoutMs = 20000;
using Exchange = test::HttpExchange;

} // namespace

class TestServeApi : public QObject {
    Q_OBJECT

    std::unique_ptr<test::ServeFixture> m_fx;

    void startServer(serve::ServeConfig config = {}, chat::ChatEngineConfig engineConfig = {})
    {
        m_fx->start(std::move(config), engineConfig);
    }
    QNetworkRequest request(const QByteArray &path, const QByteArray &key = {}) const { return m_fx->request(path, key); }
    QNetworkReply *send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {}, const QByteArray &key = {})
    {
        return m_fx->send(method, path, body, key);
    }
    static Exchange finish(QNetworkReply *reply) { return test::finishExchange(reply); }
    Exchange call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {}, const QByteArray &key = {})
    {
        return m_fx->call(method, path, body, key);
    }

    static QByteArray completion(const QString &model, const QString &question, bool stream, const QJsonArray &before = {})
    {
        QJsonArray messages = before;
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), question}});
        QJsonObject body{{QStringLiteral("model"), model}, {QStringLiteral("messages"), messages},
                         {QStringLiteral("stream"), stream}};
        if (stream)
            body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
        return QJsonDocument(body).toJson(QJsonDocument::Compact);
    }

private Q_SLOTS:
    void init() { m_fx = std::make_unique<test::ServeFixture>(); }
    void cleanup() { m_fx.reset(); }

    void nonStreamedCompletionIsGroundedInTheKnowledgeBase()
    {
        startServer();
        const Exchange e = call("POST", "/v1/chat/completions", completion(QStringLiteral("guide"), QStringLiteral("Why do sea otters hold hands?"), false));
        QCOMPARE(e.status, 200);
        const QJsonObject body = e.json();
        QCOMPARE(body.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("guide"));
        QVERIFY(body.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("chatcmpl-")));
        const QJsonObject choice = body.value(QStringLiteral("choices")).toArray().first().toObject();
        QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("stop"));
        const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
        QCOMPARE(message.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QVERIFY2(message.value(QStringLiteral("content")).toString().contains(QStringLiteral("drift apart")), e.body.constData());
        const QJsonArray references = body.value(QStringLiteral("references")).toArray();
        QVERIFY(!references.isEmpty());
        QVERIFY(references.first().toObject().value(QStringLiteral("document")).toString().contains(QStringLiteral("otters")));
        const QJsonObject usage = body.value(QStringLiteral("usage")).toObject();
        QVERIFY(usage.value(QStringLiteral("completion_tokens")).toInt() > 0);
        QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInt(),
                 usage.value(QStringLiteral("prompt_tokens")).toInt() + usage.value(QStringLiteral("completion_tokens")).toInt());
        QVERIFY(body.value(QStringLiteral("trace")).toObject().contains(QStringLiteral("search")));
    }

    void streamedCompletionSendsChunksThenUsageThenDone()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":24,"tokens_per_s":2000,"tokens_per_event":2}}})");
        m_fx->addSimulatedAssistant(QStringLiteral("streamer"), sim.url(QString()));
        startServer();
        const Exchange e = call("POST", "/v1/chat/completions", completion(QStringLiteral("streamer"), QStringLiteral("How do bees point at flowers?"), true));
        QCOMPARE(e.status, 200);
        QVERIFY(e.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(e.header("connection"), QByteArray("close")); // see answer_exchange.cpp
        bool done = false;
        const QList<QJsonObject> events = e.events(&done);
        QVERIFY(done);
        QVERIFY2(events.size() >= 4, e.body.constData()); // deltas, the closing chunk, usage
        const QString id = events.first().value(QStringLiteral("id")).toString();
        QString text;
        for (qsizetype i = 0; i < events.size(); ++i) {
            const QJsonObject event = events.at(i);
            QCOMPARE(event.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion.chunk"));
            QCOMPARE(event.value(QStringLiteral("id")).toString(), id);
            const QJsonArray choices = event.value(QStringLiteral("choices")).toArray();
            if (choices.isEmpty())
                continue; // the usage chunk
            const QJsonObject delta = choices.first().toObject().value(QStringLiteral("delta")).toObject();
            QCOMPARE(delta.contains(QStringLiteral("role")), i == 0);
            text += delta.value(QStringLiteral("content")).toString();
        }
        QVERIFY(!text.trimmed().isEmpty());
        const QJsonObject closing = events.at(events.size() - 2);
        QCOMPARE(closing.value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("finish_reason")).toString(),
                 QStringLiteral("stop"));
        QVERIFY(!closing.value(QStringLiteral("references")).toArray().isEmpty());
        QVERIFY(events.constLast().value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt() > 0);
    }

    void multiTurnAnswersFromTheHistoryTheClientSends()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        m_fx->addSimulatedAssistant(QStringLiteral("streamer"), sim.url(QString()));
        startServer();
        const QJsonArray before{
            QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), QStringLiteral("client system text")}},
            QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("Tell me about sea otters")}},
            QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QStringLiteral("They hold hands asleep.")}}};
        const Exchange e = call("POST", "/v1/chat/completions", completion(QStringLiteral("streamer"), QStringLiteral("Why?"), false, before));
        QCOMPARE(e.status, 200);
        const QJsonArray sent = QJsonDocument::fromJson(sim.simulator().lastRequestBody("/openai/v1/chat/completions")).object().value(QStringLiteral("messages")).toArray();
        QStringList roles;
        QString all;
        for (const QJsonValue &m : sent) {
            roles << m.toObject().value(QStringLiteral("role")).toString();
            all += m.toObject().value(QStringLiteral("content")).toString() + QLatin1Char('\n');
        }
        QCOMPARE(roles, (QStringList{QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("assistant"), QStringLiteral("user")}));
        QVERIFY(all.contains(QStringLiteral("Tell me about sea otters")) && all.contains(QStringLiteral("They hold hands asleep.")));
        QVERIFY(!all.contains(QStringLiteral("client system text"))); // the assistant's prompt governs
        QCOMPARE(sent.last().toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Why?"));
    }

    void modelsAreTheAssistants()
    {
        m_fx->addAssistant(QStringLiteral("helper"));
        startServer();
        const Exchange e = call("GET", "/v1/models");
        QCOMPARE(e.status, 200);
        QCOMPARE(e.json().value(QStringLiteral("object")).toString(), QStringLiteral("list"));
        QStringList ids;
        for (const QJsonValue &m : e.json().value(QStringLiteral("data")).toArray()) {
            QCOMPARE(m.toObject().value(QStringLiteral("object")).toString(), QStringLiteral("model"));
            ids << m.toObject().value(QStringLiteral("id")).toString();
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("guide"), QStringLiteral("helper")}));
        const Exchange unknown = call("POST", "/v1/chat/completions", completion(QStringLiteral("nobody"), QStringLiteral("hi"), false));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.errorObject().value(QStringLiteral("code")).toString(), QStringLiteral("model_not_found"));
        QCOMPARE(unknown.errorObject().value(QStringLiteral("param")).toString(), QStringLiteral("model"));
    }

    void keysAreRequiredWhenConfigured()
    {
        serve::ServeConfig config;
        config.apiKeys = {"first-key", "second-key"};
        startServer(config);
        for (const QByteArray &key : {QByteArray(), QByteArray("wrong-key"), QByteArray("first-keyX"), QByteArray("first-ke")}) {
            const Exchange refused = call("GET", "/v1/models", {}, key);
            QCOMPARE(refused.status, 401);
            QCOMPARE(refused.header("www-authenticate"), QByteArray("Bearer"));
            QCOMPARE(refused.errorObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_api_key"));
            QCOMPARE(refused.errorObject().value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
            QVERIFY(!refused.body.contains("first-key") && !refused.body.contains("wrong-key"));
        }
        QCOMPARE(call("GET", "/v1/models", {}, "first-key").status, 200);
        QCOMPARE(call("GET", "/v1/models", {}, "second-key").status, 200);
        QCOMPARE(call("GET", "/healthz").status, 200); // probes need no key
    }

    // Without keys, a web page in a browser (Origin) or a rebound host name gets nothing.
    void keylessServerAnswersOnlyThisMachinesPrograms()
    {
        startServer();
        QNetworkRequest page = request("/v1/models");
        page.setRawHeader("Origin", "https://evil.example");
        QCOMPARE(finish(m_fx->nam().get(page)).status, 403);
        QNetworkRequest rebound = request("/v1/models");
        rebound.setRawHeader("Host", "evil.example");
        const Exchange refused = finish(m_fx->nam().get(rebound));
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorObject().value(QStringLiteral("code")).toString(), QStringLiteral("not_local"));
        QNetworkRequest local = request("/v1/models");
        local.setRawHeader("Host", "localhost:8080");
        QCOMPARE(finish(m_fx->nam().get(local)).status, 200);
        QCOMPARE(call("GET", "/v1/models").status, 200);
    }

    void aKeysRateLimitIsAnsweredWith429()
    {
        serve::ServeConfig config;
        config.apiKeys = {"steady-key", "free-key"};
        config.keyRateLimits = {{"steady-key", 0.5}}; // one every two seconds: the second at once is refused
        startServer(config);
        QCOMPARE(call("GET", "/v1/models", {}, "steady-key").status, 200);
        const Exchange limited = call("GET", "/v1/models", {}, "steady-key");
        QCOMPARE(limited.status, 429);
        QVERIFY(limited.header("retry-after").toInt() >= 1);
        QCOMPARE(limited.errorObject().value(QStringLiteral("code")).toString(), QStringLiteral("rate_limit_exceeded"));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(call("GET", "/v1/models", {}, "free-key").status, 200); // the other key is not limited
    }

    void badRequestsGetClearErrors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        QTest::newRow("not json") << QByteArray("POST") << QByteArray("/v1/chat/completions") << QByteArray("{\"model\":") << 400 << QString();
        QTest::newRow("no model") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                  << QByteArray(R"({"messages":[{"role":"user","content":"hi"}]})") << 400 << QStringLiteral("model");
        QTest::newRow("no messages") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                     << QByteArray(R"({"model":"guide","messages":[]})") << 400 << QStringLiteral("messages");
        QTest::newRow("last is not the user") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                              << QByteArray(R"({"model":"guide","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]})")
                                              << 400 << QStringLiteral("messages");
        QTest::newRow("unknown role") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                      << QByteArray(R"({"model":"guide","messages":[{"role":"tool","content":"x"},{"role":"user","content":"hi"}]})")
                                      << 400 << QStringLiteral("messages[0].role");
        QTest::newRow("image part") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                    << QByteArray(R"({"model":"guide","messages":[{"role":"user","content":[{"type":"image_url"}]}]})")
                                    << 400 << QStringLiteral("messages[0].content");
        QTest::newRow("stream not a bool") << QByteArray("POST") << QByteArray("/v1/chat/completions")
                                           << QByteArray(R"({"model":"guide","stream":"yes","messages":[{"role":"user","content":"hi"}]})")
                                           << 400 << QStringLiteral("stream");
        QTest::newRow("GET completions") << QByteArray("GET") << QByteArray("/v1/chat/completions") << QByteArray() << 405 << QString();
        QTest::newRow("unknown path") << QByteArray("GET") << QByteArray("/v1/embeddings") << QByteArray() << 404 << QString();
    }

    void badRequestsGetClearErrors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, param);
        startServer();
        const Exchange e = call(method, path, body);
        QCOMPARE(e.status, status);
        const QJsonObject error = e.errorObject();
        QVERIFY2(!error.value(QStringLiteral("message")).toString().isEmpty(), e.body.constData());
        QCOMPARE(error.value(QStringLiteral("param")).toString(), param);
        if (status == 405)
            QCOMPARE(e.header("allow"), QByteArray(method == "GET" ? "POST" : "GET"));
        // The server goes on answering.
        QCOMPARE(call("POST", "/v1/chat/completions", completion(QStringLiteral("guide"), QStringLiteral("otters?"), false)).status, 200);
    }

    void oversizedBodyAndHeadersAreRefused()
    {
        serve::ServeConfig config;
        config.limits.maxBodyBytes = 4096;
        config.limits.maxHeaderBytes = 2048;
        startServer(config);
        const Exchange big = call("POST", "/v1/chat/completions", completion(QStringLiteral("guide"), QString(8000, QLatin1Char('x')), false));
        QCOMPARE(big.status, 413);
        QNetworkRequest r = request("/v1/models");
        r.setRawHeader("X-Fill", QByteArray(4000, 'h'));
        QCOMPARE(finish(m_fx->nam().get(r)).status, 431);
    }

    void clientLeavingMidStreamCancelsTheProviderStream()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":20,"tokens_per_event":1}}})");
        m_fx->addSimulatedAssistant(QStringLiteral("slowpoke"), sim.url(QString()));
        startServer();
        QNetworkReply *reply = send("POST", "/v1/chat/completions", completion(QStringLiteral("slowpoke"), QStringLiteral("otters?"), true));
        QByteArray got;
        connect(reply, &QNetworkReply::readyRead, this, [&] { got += reply->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(got.contains("\"content\""), kTimeoutMs); // the stream has begun
        QCOMPARE(sim.counters().inFlight.load(), 1);
        QCOMPARE(m_fx->server().activeAnswers(), 1);
        reply->abort();
        reply->deleteLater();
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx->server().activeAnswers(), 0, kTimeoutMs);
        QCOMPARE(m_fx->engine().activeRequests(), 0);
    }

    void overloadIsRefusedAtOnceWith503AndRetryAfter()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":20,"tokens_per_event":1}}})");
        m_fx->addSimulatedAssistant(QStringLiteral("slowpoke"), sim.url(QString()));
        chat::ChatEngineConfig engineConfig;
        engineConfig.maxConcurrent = 1;
        engineConfig.minConcurrent = 1;
        engineConfig.maxQueued = 0;
        startServer({}, engineConfig);
        QNetworkReply *busy = send("POST", "/v1/chat/completions", completion(QStringLiteral("slowpoke"), QStringLiteral("otters?"), true));
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 1, kTimeoutMs);
        const Exchange refused = call("POST", "/v1/chat/completions", completion(QStringLiteral("slowpoke"), QStringLiteral("bees?"), true));
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QCOMPARE(refused.errorObject().value(QStringLiteral("code")).toString(), QStringLiteral("overloaded"));
        busy->abort();
        busy->deleteLater();
        QTRY_COMPARE_WITH_TIMEOUT(m_fx->server().activeAnswers(), 0, kTimeoutMs);
    }

    void readinessFollowsIndexLoadingAndDrain()
    {
        startServer();
        const Exchange starting = call("GET", "/readyz");
        QCOMPARE(starting.status, 503);
        QCOMPARE(starting.json().value(QStringLiteral("status")).toString(), QStringLiteral("starting"));
        QSignalSpy ready(&m_fx->server(), &serve::ApiServer::ready);
        m_fx->server().warmUp();
        QVERIFY(ready.wait(kTimeoutMs));
        QCOMPARE(call("GET", "/readyz").status, 200);
        QCOMPARE(call("GET", "/healthz").status, 200);
        QSignalSpy drained(&m_fx->server(), &serve::ApiServer::drained);
        m_fx->server().drain(std::chrono::milliseconds(1000));
        QVERIFY(drained.wait(kTimeoutMs)); // nothing in flight: at once
    }

    void drainLetsStreamsFinishAndRefusesNewWork()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":30,"tokens_per_s":60,"tokens_per_event":1}}})");
        m_fx->addSimulatedAssistant(QStringLiteral("streamer"), sim.url(QString()));
        startServer();
        QNetworkReply *streaming = send("POST", "/v1/chat/completions", completion(QStringLiteral("streamer"), QStringLiteral("otters?"), true));
        QTRY_COMPARE_WITH_TIMEOUT(m_fx->server().activeAnswers(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 1, kTimeoutMs);
        QSignalSpy drained(&m_fx->server(), &serve::ApiServer::drained);
        m_fx->server().drain(std::chrono::milliseconds(kTimeoutMs));
        const Exchange refused = call("GET", "/v1/models"); // a new connection: nobody listens
        QCOMPARE(refused.error, QNetworkReply::ConnectionRefusedError);
        const Exchange finished = finish(streaming);
        QCOMPARE(finished.status, 200);
        bool done = false;
        finished.events(&done);
        QVERIFY2(done, finished.body.constData()); // the whole answer, to its [DONE]
        QVERIFY(drained.size() == 1 || drained.wait(kTimeoutMs));
    }

    void drainCancelsWhatOutlastsTheGrace()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":20,"tokens_per_event":1}}})");
        m_fx->addSimulatedAssistant(QStringLiteral("slowpoke"), sim.url(QString()));
        startServer();
        QNetworkReply *streaming = send("POST", "/v1/chat/completions", completion(QStringLiteral("slowpoke"), QStringLiteral("otters?"), true));
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 1, kTimeoutMs);
        QSignalSpy drained(&m_fx->server(), &serve::ApiServer::drained);
        m_fx->server().drain(std::chrono::milliseconds(200));
        QVERIFY(drained.wait(kTimeoutMs));
        const Exchange cut = finish(streaming);
        const QList<QJsonObject> events = cut.events();
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.constLast().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("shutting_down"));
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, kTimeoutMs);
    }
};

QTEST_GUILESS_MAIN(TestServeApi)
#include "tst_serve_api.moc"
