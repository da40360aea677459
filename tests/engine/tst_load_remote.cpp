// Load tests against remote targets over real loopback HTTP: an OpenAI-compatible endpoint (the
// provider simulator) and a RAGFlow-style server started here, streaming cumulative answers,
// refusing a chat id, or hanging; and the API key travels as a Bearer header, never into a report.
#include "loadtest/load_runner.h"
#include "loadtest/remote_target.h"
#include "loadtest/report.h"
#include "net/http_server.h"
#include "support/await_task.h"
#include "support/simulator_thread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTest>

using namespace rag;
using namespace rag::loadtest;
using net::HttpRequest;
using net::HttpResponder;

namespace {

constexpr char kKeyEnv[] = "RAGDESK_TST_LOAD_REMOTE_KEY";
constexpr char kKey[] = "sk-test-do-not-leak-4711";

QCoro::Task<void> runInto(LoadRunner *runner, double drainS)
{
    co_await runner->run(CancelToken::create(), drainS);
}

Scenario scenario(const QByteArray &target, const QByteArray &load)
{
    const QByteArray json = R"({"name": "remote", "target": )" + target + R"(,
        "questions": ["Why do sea otters hold hands?", "What do bees do?"],
        "thresholds": ["error_rate < 1%"], "load": )" + load + "}";
    auto parsed = parseScenario(json, QDir::tempPath());
    if (!parsed)
        qFatal("scenario: %s", qPrintable(parsed.error()));
    return *parsed;
}

QByteArray sse(const QByteArray &json)
{
    return "data:" + json + "\n\n";
}

// A RAGFlow chat as its API streams it: the answer so far in every event, a last event repeating
// it with references, then `data:true`. Everything in one go: the chunk count is exact.
void streamRagFlow(HttpResponder *responder)
{
    responder->beginStream(200, "text/event-stream");
    for (const char *answer : {"Sea", "Sea otters", "Sea otters hold hands."})
        responder->writeChunk(sse(R"({"code":0,"data":{"answer":")" + QByteArray(answer) + R"(","session_id":"s1"}})"));
    responder->writeChunk(sse(R"({"code":0,"data":{"answer":"Sea otters hold hands.","reference":{"chunks":[]}}})"));
    responder->writeChunk(sse(R"({"code":0,"data":true})"));
    responder->endStream();
}

// An OpenAI-compatible streamed completion: role first, the answer in two deltas, then [DONE].
void streamOpenAi(HttpResponder *responder)
{
    responder->beginStream(200, "text/event-stream");
    responder->writeChunk(sse(R"({"choices":[{"index":0,"delta":{"role":"assistant"}}]})"));
    for (const char *part : {"Otters ", "hold hands."})
        responder->writeChunk(sse(R"({"choices":[{"index":0,"delta":{"content":")" + QByteArray(part) + R"("}}]})"));
    responder->writeChunk("data: [DONE]\n\n");
    responder->endStream();
}

struct RagFlowServer {
    enum class Mode { Stream, BadChat, Hang, OpenAi };
    Mode mode = Mode::Stream;
    QList<QByteArray> paths;
    QList<QByteArray> bodies;
    QList<QByteArray> authorizations;
    QList<QPointer<HttpResponder>> hanging;
    net::HttpServer server{[this](const HttpRequest &request, HttpResponder *responder) { handle(request, responder); }};

    RagFlowServer() { QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok()); }
    QByteArray url() const { return "http://127.0.0.1:" + QByteArray::number(server.port()); }

    void handle(const HttpRequest &request, HttpResponder *responder)
    {
        paths.append(request.path);
        bodies.append(request.body);
        authorizations.append(request.header("authorization"));
        switch (mode) {
        case Mode::Stream:
            return streamRagFlow(responder);
        case Mode::BadChat: // RAGFlow refuses with a plain JSON body and HTTP 200
            return responder->respond(200, "application/json", R"({"code":102,"message":"bad chat id"})");
        case Mode::Hang:
            hanging.append(responder); // never answered: the client must give up on its own
            return;
        case Mode::OpenAi:
            return streamOpenAi(responder);
        }
    }
};

} // namespace

class TestLoadRemote : public QObject {
    Q_OBJECT
private slots:
    void openAiTargetAgainstSimulator()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        // The URL without /chat/completions: the target appends it.
        const Scenario s = scenario(R"({"kind": "openai", "url": ")" + sim.url(QStringLiteral("/openai/v1")).toUtf8()
                                        + R"(", "model": "sim-chat"})",
                                    R"({"model": "closed", "users": 3, "duration_s": 1})");
        auto target = RemoteTarget::create(s.target, s.load.users);
        QVERIFY2(target, target ? "" : qPrintable(target.error()));
        QCOMPARE((*target)->endpoint(), sim.url(QStringLiteral("/openai/v1/chat/completions")));
        LoadRunner runner(**target, s, s.questions);
        QCoro::waitFor(runInto(&runner, 10.0));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.recorded, summary.warmup + summary.completed + summary.failed + summary.cancelled);
        QVERIFY2(summary.completed >= 3, qPrintable(QString::number(summary.completed)));
        QCOMPARE(summary.failed, 0);
        QCOMPARE(summary.cancelled, 0);
        QVERIFY(summary.stages.contains(QStringLiteral("ttfc")));
        QVERIFY(summary.stages.contains(QStringLiteral("e2e")));
        QCOMPARE(summary.stages.value(QStringLiteral("ttfc")).count, summary.completed);
    }

    // A session's later turns continue it: RAGFlow gets the session id its first answer named,
    // an OpenAI-compatible server (stateless) gets the turns so far.
    void multiTurnSessionsContinueOnTheServer()
    {
        // One user walking a three-question session `iterations` times over; what completed.
        auto runTurns = [](const QByteArray &target, int iterations) {
            auto parsed = parseScenario(R"({"name": "turns", "target": )" + target
                                            + R"(, "questions": [["Why do otters hold hands?", "And at night?", "Do pups too?"]],
                                            "load": {"model": "closed", "users": 1, "iterations": )" + QByteArray::number(iterations) + "}}",
                                        QString());
            auto created = RemoteTarget::create(parsed.value().target, 1);
            LoadRunner runner(*created.value(), *parsed, parsed->questions);
            QCoro::waitFor(runInto(&runner, 10.0));
            return runner.recorder().summary().completed;
        };
        RagFlowServer ragflow;
        QCOMPARE(runTurns(R"({"kind": "ragflow", "url": ")" + ragflow.url() + R"(", "chat_id": "c1"})", 4), 4);
        QCOMPARE(ragflow.bodies.size(), 4);
        auto body = [&](int i) { return QJsonDocument::fromJson(ragflow.bodies.at(i)).object(); };
        QVERIFY(!body(0).contains(QStringLiteral("session_id"))); // a new session
        QCOMPARE(body(1).value(QStringLiteral("session_id")).toString(), QStringLiteral("s1"));
        QCOMPARE(body(2).value(QStringLiteral("session_id")).toString(), QStringLiteral("s1"));
        QCOMPARE(body(2).value(QStringLiteral("question")).toString(), QStringLiteral("Do pups too?"));
        QVERIFY(!body(3).contains(QStringLiteral("session_id"))); // the session ended: a new one

        RagFlowServer openAi;
        openAi.mode = RagFlowServer::Mode::OpenAi;
        QCOMPARE(runTurns(R"({"kind": "openai", "url": ")" + openAi.url() + R"(/v1", "model": "m"})", 3), 3);
        QCOMPARE(openAi.bodies.size(), 3);
        auto messages = [&](int i) { return QJsonDocument::fromJson(openAi.bodies.at(i)).object().value(QStringLiteral("messages")).toArray(); };
        QCOMPARE(messages(0).size(), 1);
        const QJsonArray third = messages(2);
        QCOMPARE(third.size(), 5); // two questions and answers so far, then the third question
        QCOMPARE(third.at(0)[QStringLiteral("content")].toString(), QStringLiteral("Why do otters hold hands?"));
        QCOMPARE(third.at(1)[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
        QCOMPARE(third.at(1)[QStringLiteral("content")].toString(), QStringLiteral("Otters hold hands."));
        QCOMPARE(third.at(4)[QStringLiteral("content")].toString(), QStringLiteral("Do pups too?"));
    }

    void fullOpenAiUrlIsKept()
    {
        TargetSpec spec;
        spec.kind = TargetKind::OpenAi;
        spec.url = QStringLiteral("http://127.0.0.1:1/v1/chat/completions");
        spec.model = QStringLiteral("m");
        auto target = RemoteTarget::create(spec, 1);
        QVERIFY(target);
        QCOMPARE((*target)->endpoint(), spec.url);
    }

    void ragFlowStreamsCumulativeAnswers()
    {
        RagFlowServer server;
        const Scenario s = scenario(R"({"kind": "ragflow", "url": ")" + server.url() + R"(/", "chat_id": "c42"})",
                                    R"({"model": "closed", "users": 2, "iterations": 3, "duration_s": 60})");
        auto target = RemoteTarget::create(s.target, s.load.users);
        QVERIFY2(target, target ? "" : qPrintable(target.error()));

        // One request first: its chunks are the three growths of the answer, not the repeats.
        const RemoteOutcome one = test::await((*target)->ask(QStringLiteral("Why?"), CancelToken::create()));
        QVERIFY2(one.ok, qPrintable(one.errorKind + ": " + one.message));
        QCOMPARE(one.chunks, 3);
        QVERIFY(one.firstChunkNs > 0);
        QVERIFY(one.firstChunkNs <= one.endNs);
        QCOMPARE(server.paths.last(), QByteArray("/api/v1/chats/c42/completions"));
        const QJsonObject body = QJsonDocument::fromJson(server.bodies.last()).object();
        QCOMPARE(body.value(QStringLiteral("question")).toString(), QStringLiteral("Why?"));
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        QCOMPARE(server.authorizations.last(), QByteArray()); // no key configured: no header

        LoadRunner runner(**target, s, s.questions);
        QCoro::waitFor(runInto(&runner, 10.0));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.completed, 6);
        QCOMPARE(summary.failed, 0);
        QCOMPARE(summary.stages.value(QStringLiteral("ttfc")).count, 6);
    }

    void ragFlowErrorCodeFailsRequests()
    {
        RagFlowServer server;
        server.mode = RagFlowServer::Mode::BadChat;
        const Scenario s = scenario(R"({"kind": "ragflow", "url": ")" + server.url() + R"(", "chat_id": "nope"})",
                                    R"({"model": "closed", "users": 2, "iterations": 2, "duration_s": 60})");
        auto target = RemoteTarget::create(s.target, s.load.users);
        QVERIFY(target);
        const RemoteOutcome one = test::await((*target)->ask(QStringLiteral("Why?"), CancelToken::create()));
        QVERIFY(!one.ok);
        QCOMPARE(one.errorKind, QStringLiteral("ragflow_102"));
        QCOMPARE(one.message, QStringLiteral("bad chat id"));

        LoadRunner runner(**target, s, s.questions);
        QCoro::waitFor(runInto(&runner, 10.0));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.completed, 0);
        QCOMPARE(summary.failed, 4);
        QCOMPARE(summary.errorsByKind.value(QStringLiteral("ragflow_102")), 4);
    }

    void hangingServerTimesOutOrIsCancelled()
    {
        RagFlowServer server;
        server.mode = RagFlowServer::Mode::Hang;
        const Scenario s = scenario(R"({"kind": "ragflow", "url": ")" + server.url() + R"(", "chat_id": "c"})",
                                    R"({"model": "closed", "users": 3, "duration_s": 0.3})");
        // A short first-byte budget: the request times out on its own.
        RemoteTimeouts timeouts;
        timeouts.firstByte = std::chrono::milliseconds(200);
        auto quick = RemoteTarget::create(s.target, 1, timeouts);
        QVERIFY(quick);
        const RemoteOutcome timedOut = test::await((*quick)->ask(QStringLiteral("Why?"), CancelToken::create()));
        QVERIFY(!timedOut.ok);
        QCOMPARE(timedOut.errorKind, QStringLiteral("timeout"));

        // The default budget outlasts the run: the runner cancels what is left after its drain.
        auto target = RemoteTarget::create(s.target, s.load.users);
        QVERIFY(target);
        LoadRunner runner(**target, s, s.questions);
        QCoro::waitFor(runInto(&runner, 0.2));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.recorded, 3);
        QCOMPARE(summary.cancelled, 3);
        QCOMPARE(summary.completed, 0);
        QCOMPARE(summary.failed, 0);
        QCOMPARE(runner.inFlight(), 0);
    }

    void apiKeyIsSentAsBearerAndNeverReported()
    {
        qputenv(kKeyEnv, kKey);
        RagFlowServer server;
        const Scenario s = scenario(R"({"kind": "ragflow", "url": ")" + server.url() + R"(", "chat_id": "c",
                                        "api_key_env": ")" + QByteArray(kKeyEnv) + R"("})",
                                    R"({"model": "closed", "users": 2, "iterations": 2, "duration_s": 60})");
        auto target = RemoteTarget::create(s.target, s.load.users);
        QVERIFY(target);
        QCOMPARE((*target)->secrets(), QStringList{QString::fromLatin1(kKey)});
        LoadRunner runner(**target, s, s.questions);
        QCoro::waitFor(runInto(&runner, 10.0));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.completed, 4);
        QCOMPARE(server.authorizations.size(), 4);
        for (const QByteArray &header : std::as_const(server.authorizations))
            QCOMPARE(header, QByteArray("Bearer ") + kKey);
        const QList<Threshold> none;
        const QByteArray report = QJsonDocument(reportJson(s, summary, evaluateThresholds(none, summary))).toJson();
        QVERIFY(report.contains(kKeyEnv)); // the variable's name is configuration, not a secret
        QVERIFY(!report.contains(kKey));

        // Named but unset: refused before any request, naming the variable.
        qunsetenv(kKeyEnv);
        auto missing = RemoteTarget::create(s.target, 1);
        QVERIFY(!missing);
        QVERIFY(missing.error().contains(QLatin1String(kKeyEnv)));
    }
};

QTEST_GUILESS_MAIN(TestLoadRemote)
#include "tst_load_remote.moc"
