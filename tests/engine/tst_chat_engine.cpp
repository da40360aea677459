// The chat engine end to end: a real knowledge base, providers served by the simulator over
// loopback HTTP, assistants and conversations in the database. Streamed answers with citations,
// stored references, empty retrieval, rerank fallback, cancellation at each stage, deadlines,
// conversations across restarts, and concurrency in both modes (counts and orderings, not speed).
#include "chat/chat_engine.h"
#include "chat/citations.h"
#include "providers/calllog/rerank_call_log.h"
#include "providers/provider_registry.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/provider_repository.h"
#include "store/rerank_call_repository.h"
#include "support/await_task.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QElapsedTimer>
#include <QTest>

using namespace rag;
using namespace rag::chat;
using namespace std::chrono_literals;

namespace {

const QString kQuestion = QStringLiteral("Why do sea otters hold hands?");

struct Asked {
    Result<AskResult> result = fail(QString());
    QStringList deltas;
};

QCoro::Task<void> askInto(ChatEngine *engine, AskOptions options, Asked *out)
{
    QStringList *deltas = &out->deltas;
    out->result = co_await engine->ask(options, [deltas](const QString &d) { deltas->append(d); });
}

QCoro::Task<void> loadReranker(ChatEngine *engine, QString name, bool *loaded)
{
    auto finding = engine->providers().reranker(std::move(name));
    const auto found = co_await finding;
    *loaded = found.ok();
}

} // namespace

class TestChatEngine : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<test::SimulatorThread> m_sim;

    void addProvider(const QString &name, const QString &kind, const QString &path, int timeoutMs = 10'000)
    {
        store::ProviderRecord p;
        p.name = name;
        p.kind = kind;
        p.baseUrl = m_sim->url(path);
        p.model = QStringLiteral("sim-model");
        p.maxConnections = 256;
        p.timeoutMs = timeoutMs;
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(p).ok());
    }

    store::AssistantSpec spec(const QString &name, const QString &llm, const QString &reranker)
    {
        store::AssistantSpec s;
        s.name = name;
        s.knowledgeBases = {QStringLiteral("nature")};
        s.llm = llm;
        s.reranker = reranker;
        return s;
    }

    void createAssistant(const store::AssistantSpec &s)
    {
        auto created = store::AssistantRepository(m_ws->workspace->database().connection()).create(s);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
    }

    AskOptions ask(const QString &assistant, const QString &question = kQuestion)
    {
        AskOptions o;
        o.assistant = assistant;
        o.question = question;
        o.deadline = 30s;
        o.cancel = CancelToken::create();
        return o;
    }

    Asked run(ChatEngine &engine, const AskOptions &options)
    {
        Asked asked;
        QCoro::waitFor(askInto(&engine, options, &asked));
        return asked;
    }

    int messageCount()
    {
        auto q = store::ConversationRepository(m_ws->workspace->database().connection());
        auto assistants = store::AssistantRepository(m_ws->workspace->database().connection()).list();
        int total = 0;
        for (const auto &a : *assistants) {
            const auto conversations = q.list(a.id);
            for (const auto &c : *conversations)
                total += int(q.load(c.id)->messages.size());
        }
        return total;
    }

private slots:
    void init();
    void cleanup();
    void streamsAnAnswerWithCitationsAndStoresIt();
    void answersOfflineWithBuiltinProviders();
    void emptyRetrievalAnswersWithoutTheModel();
    void aQuestionTooLongForTheContextIsRefused();
    void rerankFailureFallsBackToHybridOrder();
    void aHangingRerankerLeavesTheAnswerItsTime();
    void cancelDuringEachStage_data();
    void cancelDuringEachStage();
    void deadlineEndsTheRequest();
    void overloadIsRefusedAtAdmission();
    void anAnswerThatCouldStartButNotEndInTimeIsRefused();
    void conversationContinuesAfterRestart();
    void blockingModeGivesTheSameAnswer();
    void manyAsyncRequestsOverlapTheirProviderCalls();
    void blockingPoolQueuesRequests();
};

void TestChatEngine::init()
{
    m_ws = std::make_unique<test::TempWorkspace>();
    const QString docs = m_ws->path(QStringLiteral("docs"));
    QVERIFY(test::writeFile(docs + QStringLiteral("/otters.md"),
                            "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart. "
                            "A group of resting otters is called a raft.\n"));
    QVERIFY(test::writeFile(docs + QStringLiteral("/volcanoes.md"),
                            "# Volcanoes\nA volcano erupts when pressure from magma builds up under the crust.\n"));
    QVERIFY(test::writeFile(docs + QStringLiteral("/bees.md"),
                            "# Bees\nHoney bees dance to tell the hive where flowers are.\n"));
    m_ws->ingest(QStringLiteral("nature"), {docs});
    m_sim = std::make_unique<test::SimulatorThread>();
    QVERIFY(m_sim->ok());
    addProvider(QStringLiteral("sim-rerank"), QStringLiteral("jina"), QStringLiteral("/jina/v1"));
    addProvider(QStringLiteral("sim-chat"), QStringLiteral("openai-compatible"), QStringLiteral("/openai/v1"));
    addProvider(QStringLiteral("sim-ollama"), QStringLiteral("ollama"), QStringLiteral("/ollama"));
}

void TestChatEngine::cleanup()
{
    m_sim.reset();
    m_ws.reset();
}

void TestChatEngine::streamsAnAnswerWithCitationsAndStoresIt()
{
    m_sim->setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":40,"tokens_per_s":400,"tokens_per_event":2}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    const Asked asked = run(engine, ask(QStringLiteral("guide")));
    QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
    const AskResult &r = *asked.result;

    QVERIFY2(asked.deltas.size() >= 2, "the answer streamed in more than one piece");
    QVERIFY(asked.deltas.size() < 20); // 20 events of 2 words, coalesced per frame
    QCOMPARE(asked.deltas.join(QString()), r.answer);
    QVERIFY(!r.references.isEmpty());
    QCOMPARE(r.references.first().document, QStringLiteral("otters.md")); // the reranker agreed
    const QList<int> cited = citedIds(r.answer);
    QVERIFY2(!cited.isEmpty(), qPrintable(r.answer));
    for (int id : cited)
        QVERIFY(id >= 0 && id < r.references.size());
    QVERIFY(!r.extractive);
    QVERIFY(!r.rerankFallback);

    for (const char *stage : {"admission", "load", "search", "rerank", "prompt", "first_token", "ttfc", "last_chunk", "save", "total"})
        QVERIFY2(r.trace.contains(QString::fromLatin1(stage)), stage);
    QVERIFY(r.ttfcMs > 0);
    QVERIFY(r.ttfcMs <= r.trace.value(QStringLiteral("total")).toDouble());

    QVERIFY(r.conversationId > 0);
    auto conversation = store::ConversationRepository(m_ws->workspace->database().connection()).load(r.conversationId);
    QVERIFY(conversation.ok());
    QCOMPARE(conversation->messages.size(), 2);
    QCOMPARE(conversation->messages.at(0).content, kQuestion);
    QCOMPARE(conversation->messages.at(1).content, r.answer);
    QCOMPARE(conversation->messages.at(1).references.size(), r.references.size());
    QCOMPARE(conversation->messages.at(1).references.first().chunkId, r.references.first().chunkId);

    engine.callLog().flush();
    auto calls = store::RerankCallRepository(m_ws->workspace->database().connection()).query({});
    QCOMPARE(calls->size(), 1);
    QCOMPARE(calls->first().provider, QStringLiteral("sim-rerank"));
    QCOMPARE(engine.statistics().snapshot().completed, 1);
}

void TestChatEngine::answersOfflineWithBuiltinProviders()
{
    ChatEngine engine(*m_ws->workspace);
    AskOptions o = ask(QString());
    o.adHoc = spec(QStringLiteral("adhoc"), QStringLiteral("builtin"), QStringLiteral("builtin"));
    o.save = false;
    const Asked asked = run(engine, o);
    QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
    QVERIFY(asked.result->extractive);
    QVERIFY2(asked.result->answer.contains(QStringLiteral("hold hands")), qPrintable(asked.result->answer));
    QVERIFY(asked.result->answer.contains(QStringLiteral("[ID:0]")));
    QCOMPARE(asked.result->conversationId, 0);
    QVERIFY(m_sim->counters().requests.load() == 0); // nothing went over the network
}

void TestChatEngine::emptyRetrievalAnswersWithoutTheModel()
{
    store::AssistantSpec s = spec(QStringLiteral("strict"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank"));
    s.emptyResponse = QStringLiteral("Nothing in the knowledge base answers that.");
    createAssistant(s);
    ChatEngine engine(*m_ws->workspace);
    const Asked asked = run(engine, ask(QStringLiteral("strict"), QStringLiteral("quantum chromodynamics lattice gauge")));
    QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
    QVERIFY(asked.result->emptyResponse);
    QCOMPARE(asked.result->answer, s.emptyResponse);
    QCOMPARE(asked.deltas, QStringList{s.emptyResponse});
    QVERIFY(asked.result->references.isEmpty());
    QVERIFY(m_sim->simulator().lastRequestBody("/openai/v1/chat/completions").isEmpty()); // no model call
}

// A question that leaves no room for passages gets a clear error, not a sourceless answer, and
// costs no search, rerank or model call.
void TestChatEngine::aQuestionTooLongForTheContextIsRefused()
{
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    QString question;
    while (question.size() < 51'000)
        question += QStringLiteral("Why do sea otters hold hands while they sleep in the kelp? ");
    const Asked asked = run(engine, ask(QStringLiteral("guide"), question));
    QVERIFY(!asked.result.ok());
    QVERIFY2(asked.result.error().startsWith(QStringLiteral("question too long: about ")), qPrintable(asked.result.error()));
    QVERIFY(asked.result.error().contains(QStringLiteral("8192-token context")));
    QVERIFY(asked.deltas.isEmpty());
    QCOMPARE(m_sim->counters().requests.load(), 0);

    // A long question that still leaves room is answered, with its sources.
    const Asked fits = run(engine, ask(QStringLiteral("guide"), question.left(4000)));
    QVERIFY2(fits.result.ok(), qPrintable(fits.result.ok() ? QString() : fits.result.error()));
    QVERIFY(!fits.result->references.isEmpty());
}

void TestChatEngine::rerankFailureFallsBackToHybridOrder()
{
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":500}]}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    const Asked asked = run(engine, ask(QStringLiteral("guide")));
    QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
    QVERIFY(asked.result->rerankFallback);
    QVERIFY2(asked.result->rerankError.contains(QStringLiteral("500")), qPrintable(asked.result->rerankError));
    QCOMPARE(asked.result->trace.value(QStringLiteral("rerank_fallback")).toBool(), true);
    // Stored with the answer too, so a reloaded conversation can say so.
    auto saved = store::ConversationRepository(m_ws->workspace->database().connection()).load(asked.result->conversationId);
    QVERIFY(saved->messages.at(1).traceJson.contains(QStringLiteral("\"rerank_fallback\":true")));
    QCOMPARE(asked.result->references.first().document, QStringLiteral("otters.md")); // hybrid order still finds it
    engine.callLog().flush();
    store::RerankCallFilter errors;
    errors.status = QStringLiteral("error");
    QCOMPARE(store::RerankCallRepository(m_ws->workspace->database().connection()).query(errors)->size(), 1);
    // The monitor's counters: one rerank, and it failed.
    const metrics::StageSnapshot counted = engine.statistics().snapshot();
    QCOMPARE(counted.reranks, 1);
    QCOMPARE(counted.rerankFailures, 1);
    // The latest answer's stages, in pipeline order, for the monitor's bars.
    QStringList stages;
    for (const auto &[name, ms] : counted.latest)
        stages.append(name);
    QVERIFY2(stages.indexOf(QStringLiteral("search")) >= 0
                 && stages.indexOf(QStringLiteral("search")) < stages.indexOf(QStringLiteral("rerank")),
             qPrintable(stages.join(u',')));
}

// A reranker that never answers takes half of what is left of the deadline, then the answer goes
// on in hybrid order with the other half, in both modes: the request does not fail for it.
void TestChatEngine::aHangingRerankerLeavesTheAnswerItsTime()
{
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    for (const AskMode mode : {AskMode::Async, AskMode::Blocking}) {
        AskOptions options = ask(QStringLiteral("guide"));
        options.deadline = 2s;
        options.mode = mode;
        QElapsedTimer clock;
        clock.start();
        const Asked asked = run(engine, options);
        QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
        QVERIFY(asked.result->rerankFallback);
        QVERIFY2(asked.result->rerankError.contains(QStringLiteral("timeout")), qPrintable(asked.result->rerankError));
        QVERIFY(!asked.result->answer.isEmpty());
        QVERIFY2(clock.elapsed() >= 800, qPrintable(QString::number(clock.elapsed()))); // the reranker had about its half
    }
}

void TestChatEngine::cancelDuringEachStage_data()
{
    QTest::addColumn<QString>("stage");
    QTest::newRow("before admission") << "before";
    QTest::newRow("waiting for admission") << "admission";
    QTest::newRow("rerank") << "rerank";
    QTest::newRow("waiting for the first token") << "first_token";
    QTest::newRow("mid-stream") << "stream";
}

void TestChatEngine::cancelDuringEachStage()
{
    QFETCH(QString, stage);
    if (stage == QLatin1String("rerank"))
        m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    else if (stage == QLatin1String("first_token") || stage == QLatin1String("admission"))
        m_sim->setProfileJson(R"({"endpoints":{"chat":{"faults":[{"kind":"hang"}]}}})");
    else if (stage == QLatin1String("stream"))
        m_sim->setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":40,"tokens_per_event":1}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngineConfig config;
    config.maxConcurrent = 1;
    if (stage == QLatin1String("stream"))
        config.coalesceMs = 200; // deltas are still gathered when the cancel comes
    ChatEngine engine(*m_ws->workspace, config);

    AskOptions first = ask(QStringLiteral("guide"));
    Asked firstAsked;
    AskOptions victim = ask(QStringLiteral("guide"));
    Asked victimAsked;
    if (stage == QLatin1String("before"))
        victim.cancel->cancel();
    auto holder = askInto(&engine, first, &firstAsked); // only used by the admission row
    if (stage != QLatin1String("admission")) {
        first.cancel->cancel();
        QCoro::waitFor(std::move(holder));
        QTRY_COMPARE_WITH_TIMEOUT(engine.inFlight(), 0, 5000);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 1, 5000); // the holder waits on the model
    }
    auto pending = askInto(&engine, victim, &victimAsked);
    if (stage == QLatin1String("admission"))
        QTRY_COMPARE_WITH_TIMEOUT(engine.admissionQueued(), 1, 5000);
    else if (stage == QLatin1String("rerank") || stage == QLatin1String("first_token"))
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 1, 5000);
    else if (stage == QLatin1String("stream"))
        QTRY_VERIFY_WITH_TIMEOUT(!victimAsked.deltas.isEmpty(), 5000);
    victim.cancel->cancel();
    QCoro::waitFor(std::move(pending));
    QVERIFY(!victimAsked.result.ok());
    QVERIFY2(victimAsked.result.error().contains(QStringLiteral("cancelled")), qPrintable(victimAsked.result.error()));
    if (stage == QLatin1String("stream")) {
        // The answer has ended for its caller: no delta may follow, though the coalescer's timer
        // was running (it lives on until deleted later).
        const qsizetype seen = victimAsked.deltas.size();
        QTest::qWait(3 * config.coalesceMs);
        QCOMPARE(victimAsked.deltas.size(), seen);
    }
    if (stage == QLatin1String("admission")) {
        first.cancel->cancel();
        QCoro::waitFor(std::move(holder));
    }
    // Its connection and its slot are free again, and nothing half-done was saved.
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
    QCOMPARE(engine.inFlight(), 0);
    QCOMPARE(messageCount(), 0);
    QVERIFY(engine.statistics().snapshot().cancelled >= 1);
}

void TestChatEngine::deadlineEndsTheRequest()
{
    m_sim->setProfileJson(R"({"endpoints":{"chat":{"faults":[{"kind":"hang"}]}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    AskOptions o = ask(QStringLiteral("guide"));
    o.deadline = 400ms;
    const Asked asked = run(engine, o);
    QVERIFY(!asked.result.ok());
    QVERIFY2(asked.result.error().contains(QStringLiteral("deadline")), qPrintable(asked.result.error()));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
}

void TestChatEngine::overloadIsRefusedAtAdmission()
{
    // Every answer holds its slot for at least 300 ms: the model's first event comes that late.
    m_sim->setProfileJson(
        R"({"endpoints":{"chat":{"latency":{"model":"fixed","ms":300},"stream_tokens":4,"tokens_per_s":1000}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngineConfig config;
    config.maxConcurrent = 1;
    ChatEngine engine(*m_ws->workspace, config);
    for (int i = 0; i < 8; ++i) // what the estimate learns from
        QVERIFY(run(engine, ask(QStringLiteral("guide"))).result.ok());

    Asked holderAsked;
    auto holder = askInto(&engine, ask(QStringLiteral("guide")), &holderAsked);
    QTRY_COMPARE_WITH_TIMEOUT(engine.inFlight(), 1, 5000);

    // It could only start after the answer holding the slot ends, and end 300 ms after that:
    // refused now, not queued to time out. (The refusal is decided before the coroutine first suspends.)
    AskOptions hurried = ask(QStringLiteral("guide"));
    hurried.deadline = 100ms;
    Asked hurriedAsked;
    auto refused = askInto(&engine, hurried, &hurriedAsked);
    QVERIFY(!hurriedAsked.result.ok());
    QVERIFY2(hurriedAsked.result.error().startsWith(QStringLiteral("overloaded: the answer would end in about")),
             qPrintable(hurriedAsked.result.error()));
    QCOMPARE(engine.admissionQueued(), 0);
    QCOMPARE(engine.inFlight(), 1);

    // One with time to wait queues and is answered.
    AskOptions patient = ask(QStringLiteral("guide"));
    Asked patientAsked;
    auto waiting = askInto(&engine, patient, &patientAsked);
    QCOMPARE(engine.admissionQueued(), 1);
    QCoro::waitFor(std::move(refused));
    QCoro::waitFor(std::move(holder));
    QCoro::waitFor(std::move(waiting));
    QVERIFY(holderAsked.result.ok());
    QVERIFY2(patientAsked.result.ok(), qPrintable(patientAsked.result.ok() ? QString() : patientAsked.result.error()));
}

void TestChatEngine::anAnswerThatCouldStartButNotEndInTimeIsRefused()
{
    // Answers start soon and then stream for most of a second: what decides is when they end.
    m_sim->setProfileJson(
        R"({"endpoints":{"chat":{"latency":{"model":"fixed","ms":20},"stream_tokens":16,"tokens_per_s":20}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngineConfig config;
    config.maxConcurrent = 1;
    ChatEngine engine(*m_ws->workspace, config);
    double startMs = 0;
    double holdMs = 0;
    for (int i = 0; i < 8; ++i) { // what the estimate learns from
        QElapsedTimer timer;
        timer.start();
        const Asked asked = run(engine, ask(QStringLiteral("guide")));
        QVERIFY(asked.result.ok());
        holdMs += double(timer.elapsed()) / 8;
        startMs += asked.result->ttfcMs / 8;
    }
    QVERIFY2(holdMs > startMs + 400, qPrintable(QStringLiteral("start %1 ms, hold %2 ms").arg(startMs).arg(holdMs)));

    Asked holderAsked;
    auto holder = askInto(&engine, ask(QStringLiteral("guide")), &holderAsked);
    QTRY_COMPARE_WITH_TIMEOUT(engine.inFlight(), 1, 5000);
    // Behind the answer holding the slot, it would start after about hold + start and end after
    // about two holds: with a deadline between the two it is refused now, not left to time out
    // mid-stream after its search and rerank.
    AskOptions hurried = ask(QStringLiteral("guide"));
    hurried.deadline = std::chrono::milliseconds(qint64(holdMs + (startMs + holdMs) / 2));
    Asked hurriedAsked;
    auto refused = askInto(&engine, hurried, &hurriedAsked);
    QVERIFY(!hurriedAsked.result.ok());
    QVERIFY2(hurriedAsked.result.error().startsWith(QStringLiteral("overloaded: the answer would end in about")),
             qPrintable(hurriedAsked.result.error()));
    QCOMPARE(engine.admissionQueued(), 0);
    QCoro::waitFor(std::move(refused));
    QCoro::waitFor(std::move(holder));
    QVERIFY(holderAsked.result.ok());
}

void TestChatEngine::conversationContinuesAfterRestart()
{
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-ollama"), QStringLiteral("none")));
    qint64 conversation = 0;
    QString firstAnswer;
    {
        ChatEngine engine(*m_ws->workspace);
        const Asked asked = run(engine, ask(QStringLiteral("guide")));
        QVERIFY(asked.result.ok());
        conversation = asked.result->conversationId;
        firstAnswer = asked.result->answer;
    }
    m_ws->workspace = m_ws->reopen(); // as after a restart
    ChatEngine engine(*m_ws->workspace);
    AskOptions followUp = ask(QStringLiteral("guide"), QStringLiteral("And where do they sleep?"));
    followUp.conversationId = conversation;
    const Asked asked = run(engine, followUp);
    QVERIFY2(asked.result.ok(), qPrintable(asked.result.ok() ? QString() : asked.result.error()));
    QCOMPARE(asked.result->conversationId, conversation);
    // The model got the first turn as history.
    const QByteArray sent = m_sim->simulator().lastRequestBody("/ollama/api/chat");
    QVERIFY(sent.contains(kQuestion.toUtf8()));
    QVERIFY(sent.contains(firstAnswer.left(30).toUtf8()));
    auto loaded = store::ConversationRepository(m_ws->workspace->database().connection()).load(conversation);
    QCOMPARE(loaded->messages.size(), 4);
}

void TestChatEngine::blockingModeGivesTheSameAnswer()
{
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngine engine(*m_ws->workspace);
    AskOptions o = ask(QStringLiteral("guide"));
    o.save = false;
    const Asked async = run(engine, o);
    o.mode = AskMode::Blocking;
    const Asked blocking = run(engine, o);
    QVERIFY(async.result.ok());
    QVERIFY2(blocking.result.ok(), qPrintable(blocking.result.ok() ? QString() : blocking.result.error()));
    QCOMPARE(blocking.result->answer, async.result->answer);
    QCOMPARE(blocking.result->references.size(), async.result->references.size());
    QCOMPARE(blocking.deltas.join(QString()), blocking.result->answer);
    QVERIFY(blocking.result->ttfcMs > 0);
    engine.callLog().flush();
    store::RerankCallFilter filter;
    auto calls = store::RerankCallRepository(m_ws->workspace->database().connection()).query(filter);
    QCOMPARE(calls->size(), 2);
    QCOMPARE(calls->at(0).mode, QStringLiteral("blocking"));
    QCOMPARE(calls->at(1).mode, QStringLiteral("async"));
}

void TestChatEngine::manyAsyncRequestsOverlapTheirProviderCalls()
{
    // The reranker never answers: every request that reaches it stays there, so the number at the
    // provider at once counts how many the engine let overlap, however fast the machine is.
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
    addProvider(QStringLiteral("patient"), QStringLiteral("jina"), QStringLiteral("/jina/v1"), 600'000); // never times out here
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("patient")));
    ChatEngine engine(*m_ws->workspace);
    { // the providers' first use starts the registry's own threads: count from after it
        bool loaded = false;
        QCoro::waitFor(loadReranker(&engine, QStringLiteral("patient"), &loaded));
        QVERIFY(loaded);
    }
    const int threadsBefore = test::processThreadCount();

    constexpr int kRequests = 200;
    const auto stop = CancelToken::create();
    std::vector<Asked> asked(kRequests);
    std::vector<QCoro::Task<void>> tasks;
    for (int i = 0; i < kRequests; ++i) {
        AskOptions o = ask(QStringLiteral("guide"));
        o.save = false;
        o.deadline = 600s;
        o.cancel = stop;
        tasks.push_back(askInto(&engine, o, &asked[size_t(i)]));
    }
    // Every rerank call is on the wire at once: nothing queued behind a thread or Qt's six per
    // host. (A blocking server would need 200 threads for that; the engine adds a few dozen.)
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), kRequests, 120'000);
    const int threadsAfter = test::processThreadCount();
    // Bounded by configuration, not by the number of requests: the CPU and DB pools, one thread
    // per HTTP manager of each provider (200 calls need 34 managers of six connections), the
    // call log's writer.
    int managers = 0;
    for (const auto &stats : engine.providers().clientStats())
        managers += stats.managers;
    QVERIFY(managers <= 2 * 34);
    const int configured = engine.cpuPool().maxThreadCount() + engine.dbPool().maxThreadCount() + managers + 1;
    QVERIFY2(threadsAfter - threadsBefore <= configured + 2,
             qPrintable(QStringLiteral("%1 -> %2 threads, %3 configured").arg(threadsBefore).arg(threadsAfter).arg(configured)));

    stop->cancel();
    for (auto &t : tasks)
        QCoro::waitFor(std::move(t));
    for (const Asked &a : asked) {
        QVERIFY(!a.result.ok());
        QVERIFY2(a.result.error().contains(QStringLiteral("cancelled")), qPrintable(a.result.error()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 10'000); // the calls were aborted, not left open
    qInfo("200 requests at the reranker at once; threads %d -> %d", threadsBefore, threadsAfter);
}

void TestChatEngine::blockingPoolQueuesRequests()
{
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"latency":{"model":"fixed","ms":200}},
                                          "chat":{"stream_tokens":8,"tokens_per_event":2}}})");
    createAssistant(spec(QStringLiteral("guide"), QStringLiteral("sim-chat"), QStringLiteral("sim-rerank")));
    ChatEngineConfig config;
    config.blockingThreads = 8;
    ChatEngine engine(*m_ws->workspace, config);
    constexpr int kRequests = 40;
    std::vector<Asked> asked(kRequests);
    std::vector<QCoro::Task<void>> tasks;
    for (int i = 0; i < kRequests; ++i) {
        AskOptions o = ask(QStringLiteral("guide"));
        o.save = false;
        o.mode = AskMode::Blocking;
        tasks.push_back(askInto(&engine, o, &asked[size_t(i)]));
    }
    QTRY_VERIFY_WITH_TIMEOUT(engine.blockingQueued() > 0, 5000); // the rest wait for a thread
    for (auto &t : tasks)
        QCoro::waitFor(std::move(t));
    QList<double> ttfc;
    int waited = 0;
    for (const Asked &a : asked) {
        QVERIFY2(a.result.ok(), qPrintable(a.result.ok() ? QString() : a.result.error()));
        ttfc.append(a.result->ttfcMs);
        if (a.result->trace.value(QStringLiteral("admission")).toDouble() >= 200)
            ++waited;
    }
    std::sort(ttfc.begin(), ttfc.end());
    // Eight threads, one call each at a time: never more than eight requests at the provider,
    QVERIFY2(m_sim->counters().peakInFlight.load() <= 8, qPrintable(QString::number(m_sim->counters().peakInFlight.load())));
    // and the ninth request could not start its 200 ms rerank before one of the first eight
    // finished theirs: its first chunk came after two rerank latencies.
    QVERIFY2(ttfc.at(8) >= 400, qPrintable(QString::number(ttfc.at(8))));
    QVERIFY2(waited >= kRequests - 8 - 8, qPrintable(QString::number(waited))); // all but the first waves waited
    qInfo("blocking pool of 8, 40 requests: TTFC p50 %.1f max %.1f ms; %d waited >= 200 ms for a thread", ttfc.at(20),
          ttfc.last(), waited);
}

QTEST_GUILESS_MAIN(TestChatEngine)
#include "tst_chat_engine.moc"
