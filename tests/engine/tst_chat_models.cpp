// Chat models and embedders over real loopback HTTP against the simulator: OpenAI SSE and Ollama
// NDJSON streams, the non-streaming form, truncated and malformed streams, provider errors,
// cancellation mid-stream, batching with several batches in flight, and the built-in ones.
#include "providers/chat/extractive_chat_model.h"
#include "providers/chat/http_chat_model.h"
#include "providers/embed/http_embedder.h"
#include "providers/embed/local_embedder.h"
#include "providers/http/provider_http_client.h"
#include "support/await_task.h"
#include "support/simulator_thread.h"

#include <QTest>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace rag::providers;
using namespace std::chrono_literals;

namespace {

ChatRequest question(const QString &text, bool stream = true)
{
    ChatRequest r;
    r.messages = {{QStringLiteral("system"), QStringLiteral("Answer from the knowledge.")},
                  {QStringLiteral("user"), text}};
    r.question = text;
    r.stream = stream;
    r.firstByteTimeout = 5s;
    r.inactivityTimeout = 5s;
    return r;
}

ProviderSettings chatSettings(const test::SimulatorThread &sim, const QString &kind)
{
    ProviderSettings s;
    s.name = QStringLiteral("chat-") + kind;
    s.kind = *kindFromName(kind);
    s.baseUrl = sim.url(kind == QLatin1String("ollama") ? QStringLiteral("/ollama") : QStringLiteral("/openai/v1"));
    s.model = QStringLiteral("model-x");
    return s;
}

} // namespace

class TestChatModels : public QObject {
    Q_OBJECT
private slots:
    void streamsAnAnswer_data();
    void streamsAnAnswer();
    void nonStreamingAnswer_data();
    void nonStreamingAnswer();
    void truncatedStreamIsAnError_data();
    void truncatedStreamIsAnError();
    void malformedStreamIsAnError();
    void providerErrorKeepsItsMessage();
    void cancelMidStreamFreesTheConnection();
    void extractiveAnswerCitesPassages();
    void embeddersBatchInOrder_data();
    void embeddersBatchInOrder();
    void embedderFailureIsAnError();
    void localEmbedderMatchesTheIndex();
};

void TestChatModels::streamsAnAnswer_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("openai-compatible SSE") << "openai-compatible";
    QTest::newRow("ollama NDJSON") << "ollama";
    QTest::newRow("vllm-style siliconflow") << "siliconflow";
}

void TestChatModels::streamsAnAnswer()
{
    QFETCH(QString, kind);
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":24,"tokens_per_s":400,"tokens_per_event":3}}})");
    const ProviderSettings settings = chatSettings(sim, kind);
    ProviderHttpClient client({settings.name});
    HttpChatModel model(settings, &client);

    QStringList deltas;
    const auto answer = test::await(model.complete(question(QStringLiteral("why do sea otters hold hands")),
                                                      [&](const ChatDelta &d) { deltas.append(d.content); }));
    QVERIFY2(answer.ok(), qPrintable(answer.ok() ? QString() : answer.error()));
    QVERIFY2(deltas.size() >= 4, "24 tokens, 3 per event, arrive as several deltas");
    QCOMPARE(deltas.join(QString()), answer->content);
    QVERIFY(!answer->content.trimmed().isEmpty());
    QVERIFY(!deltas.contains(QString())); // empty chunks are not deltas
    QVERIFY(answer->firstContentMicros > 0);
    QVERIFY(answer->firstContentMicros <= answer->latencyMicros);
    QVERIFY(answer->usage.has_value());
    QVERIFY(answer->usage->completionTokens > 0);
    QCOMPARE(answer->finishReason.isEmpty(), false);

    // The blocking path reads the same stream the same way.
    QFuture<Result<ChatAnswer>> blocking = QtConcurrent::run(
        [&] { return model.completeBlocking(question(QStringLiteral("why do sea otters hold hands")), {}); });
    QTRY_VERIFY_WITH_TIMEOUT(blocking.isFinished(), 10000);
    QVERIFY(blocking.result().ok());
    QCOMPARE(blocking.result()->content, answer->content);
}

void TestChatModels::nonStreamingAnswer_data()
{
    streamsAnAnswer_data();
}

void TestChatModels::nonStreamingAnswer()
{
    QFETCH(QString, kind);
    test::SimulatorThread sim;
    const ProviderSettings settings = chatSettings(sim, kind);
    ProviderHttpClient client({settings.name});
    HttpChatModel model(settings, &client);
    int deltas = 0;
    const auto answer = test::await(
        model.complete(question(QStringLiteral("sea otters"), false), [&](const ChatDelta &) { ++deltas; }));
    QVERIFY2(answer.ok(), qPrintable(answer.ok() ? QString() : answer.error()));
    QVERIFY(!answer->content.isEmpty());
    QCOMPARE(deltas, 1); // the whole answer as one delta: the caller's path is the same
    QVERIFY(answer->usage.has_value());
}

void TestChatModels::truncatedStreamIsAnError_data()
{
    streamsAnAnswer_data();
}

void TestChatModels::truncatedStreamIsAnError()
{
    QFETCH(QString, kind);
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":40,"tokens_per_event":2,"faults":[{"kind":"truncate"}]}}})");
    const ProviderSettings settings = chatSettings(sim, kind);
    ProviderHttpClient client({settings.name});
    HttpChatModel model(settings, &client);
    QString streamed;
    const auto answer = test::await(
        model.complete(question(QStringLiteral("sea otters")), [&](const ChatDelta &d) { streamed += d.content; }));
    QVERIFY(!answer.ok());
    QVERIFY2(answer.error().contains(settings.name), qPrintable(answer.error()));
    QVERIFY(!streamed.isEmpty()); // what arrived was delivered before the cut
    QCOMPARE(sim.counters().requests.load(), 1); // a stream that produced output is not retried
}

void TestChatModels::malformedStreamIsAnError()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"faults":[{"kind":"malformed"}]}}})");
    const ProviderSettings settings = chatSettings(sim, QStringLiteral("openai-compatible"));
    ProviderHttpClient client({settings.name});
    HttpChatModel model(settings, &client);
    const auto answer = test::await(model.complete(question(QStringLiteral("sea otters")), {}));
    QVERIFY(!answer.ok());
    QVERIFY2(answer.error().contains(settings.name), qPrintable(answer.error()));
}

void TestChatModels::providerErrorKeepsItsMessage()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"faults":[{"kind":"status","status":400}]}}})");
    for (const QString &kind : {QStringLiteral("openai-compatible"), QStringLiteral("ollama")}) {
        const ProviderSettings settings = chatSettings(sim, kind);
        ProviderHttpClient client({settings.name});
        HttpChatModel model(settings, &client);
        const auto answer = test::await(model.complete(question(QStringLiteral("sea otters")), {}));
        QVERIFY(!answer.ok());
        QVERIFY2(answer.error().contains(QStringLiteral("HTTP 400")), qPrintable(answer.error()));
        // The provider's own words follow the status, not a bare "HTTP 400".
        QVERIFY2(answer.error().size() > answer.error().indexOf(QStringLiteral("HTTP 400")) + 10, qPrintable(answer.error()));
    }
}

void TestChatModels::cancelMidStreamFreesTheConnection()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":40,"tokens_per_event":1}}})");
    const ProviderSettings settings = chatSettings(sim, QStringLiteral("openai-compatible"));
    ProviderHttpClient client({settings.name});
    HttpChatModel model(settings, &client);
    ChatRequest request = question(QStringLiteral("sea otters"));
    request.cancel = CancelToken::create();
    int deltas = 0;
    const auto answer = test::await(model.complete(request, [&](const ChatDelta &) {
        if (++deltas == 3)
            request.cancel->cancel();
    }));
    QVERIFY(!answer.ok());
    QVERIFY2(answer.error().contains(QStringLiteral("cancel")), qPrintable(answer.error()));
    QCOMPARE(deltas, 3);
    QCOMPARE(client.stats().inFlight, 0);
    QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, 5000); // the server saw the client leave
}

void TestChatModels::extractiveAnswerCitesPassages()
{
    QThreadPool pool;
    ExtractiveChatModel model(&pool);
    ChatRequest request = question(QStringLiteral("Why do sea otters hold hands?"));
    request.passages = {QStringLiteral("The stock market closed higher."),
                        QStringLiteral("Sea otters hold hands while they sleep so that they do not drift apart.")};
    QStringList deltas;
    const auto answer = test::await(model.complete(request, [&](const ChatDelta &d) { deltas.append(d.content); }));
    QVERIFY(answer.ok());
    QVERIFY(answer->extractive);
    QVERIFY2(answer->content.contains(QStringLiteral("[ID:1]")), qPrintable(answer->content));
    QVERIFY(!answer->content.contains(QStringLiteral("[ID:0]")));
    QCOMPARE(deltas.join(QString()), answer->content);
    QCOMPARE(model.completeBlocking(request, {})->content, answer->content);

    request.passages = {QStringLiteral("Completely unrelated text about volcanoes.")};
    const auto none = test::await(model.complete(request, {}));
    QCOMPARE(none->content, ExtractiveChatModel::noAnswerText());
}

void TestChatModels::embeddersBatchInOrder_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("base");
    QTest::newRow("openai-compatible") << "openai-compatible" << "/openai/v1";
    QTest::newRow("ollama") << "ollama" << "/ollama";
    QTest::newRow("tei") << "tei" << "/tei";
}

void TestChatModels::embeddersBatchInOrder()
{
    QFETCH(QString, kind);
    QFETCH(QString, base);
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"embed":{"latency":{"model":"fixed","ms":60}}}})");
    ProviderSettings settings{QStringLiteral("emb"), *kindFromName(kind), sim.url(base), QStringLiteral("embed-1")};
    ProviderHttpClient client({settings.name});
    HttpEmbedder embedder(settings, &client, {16, 3});
    QStringList texts;
    for (int i = 0; i < 70; ++i)
        texts.append(QStringLiteral("text number %1 about topic %2").arg(i).arg(i % 7));
    const auto result = test::await(embedder.embed({texts}));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(int(result->vectors.size()), 70);
    QCOMPARE(result->calls, 5); // 16 + 16 + 16 + 16 + 6
    QCOMPARE(sim.counters().peakInFlight.load(), 3); // several batches in flight, as configured
    // In input order: the 42nd vector is the one the 42nd text gets on its own.
    const auto single = test::await(embedder.embed({{texts.at(41)}}));
    QVERIFY(single.ok());
    QCOMPARE(single->vectors.front(), result->vectors.at(41));
    QVERIFY(result->vectors.at(41) != result->vectors.at(40));

    QFuture<Result<EmbedResult>> blocking = QtConcurrent::run([&] { return embedder.embedBlocking({texts}); });
    QTRY_VERIFY_WITH_TIMEOUT(blocking.isFinished(), 10000);
    QVERIFY(blocking.result().ok());
    QVERIFY(blocking.result()->vectors == result->vectors);
}

void TestChatModels::embedderFailureIsAnError()
{
    test::SimulatorThread sim;
    sim.setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"malformed"}]}}})");
    ProviderSettings settings{QStringLiteral("emb"), ProviderKind::OpenAiCompatible, sim.url(QStringLiteral("/openai/v1")),
                              QStringLiteral("embed-1")};
    ProviderHttpClient client({settings.name});
    HttpEmbedder embedder(settings, &client, {4, 2});
    const auto result = test::await(embedder.embed({{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                                        QStringLiteral("d"), QStringLiteral("e"), QStringLiteral("f")}}));
    QVERIFY(!result.ok());
    QVERIFY(!result.error().isEmpty());
    QCOMPARE(client.stats().inFlight, 0);
}

void TestChatModels::localEmbedderMatchesTheIndex()
{
    QThreadPool pool;
    LocalEmbedder embedder(&pool);
    const auto result = test::await(embedder.embed({{QStringLiteral("sea otters"), QStringLiteral("volcanoes")}}));
    QVERIFY(result.ok());
    QCOMPARE(int(result->vectors.size()), 2);
    QCOMPARE(int(result->vectors.front().size()), 512);
    QCOMPARE(embedder.embedBlocking({{QStringLiteral("sea otters")}})->vectors.front(), result->vectors.front());
}

QTEST_GUILESS_MAIN(TestChatModels)
#include "tst_chat_models.moc"
