#include "loadtest/load_runner.h"

#include "chat/chat_engine.h"
#include "loadtest/arrival_schedule.h"
#include "loadtest/remote_target.h"
#include "metrics/loop_lag_probe.h"
#include "metrics/request_trace.h"
#include "metrics/runtime_monitor.h"
#include "providers/http/cancellable_delay.h"

#include <QTimer>

#include <algorithm>
#include <limits>


namespace rag::loadtest {

using metrics::RequestTrace;
using std::chrono::milliseconds;

namespace {

// A refusal for overload: the engine's own, or a server's 503 / 429.
bool isRefusal(const QString &errorKind)
{
    return errorKind == QLatin1String("overloaded") || errorKind == QLatin1String("http_503") ||
           errorKind == QLatin1String("http_429");
}

// Waits until `atNs` on the trace clock; false when stopped first.
QCoro::Task<bool> waitUntil(qint64 atNs, CancelTokenPtr stop)
{
    const qint64 delayMs = (atNs - RequestTrace::nowNs()) / 1'000'000;
    if (delayMs <= 0)
        co_return !stop->isCancelled();
    const bool waited = co_await providers::CancellableDelay::wait(milliseconds(delayMs), stop);
    co_return waited;
}

} // namespace

LoadRunner::LoadRunner(chat::ChatEngine &engine, Scenario scenario, QuestionSet questions, chat::AskOptions ask,
                       QObject *parent)
    : QObject(parent)
    , m_engine(&engine)
    , m_scenario(std::move(scenario))
    , m_questions(std::move(questions))
    , m_ask(std::move(ask))
{
    qRegisterMetaType<LoadProgress>();
}

LoadRunner::LoadRunner(RemoteTarget &target, Scenario scenario, QuestionSet questions, QObject *parent)
    : QObject(parent)
    , m_remote(&target)
    , m_scenario(std::move(scenario))
    , m_questions(std::move(questions))
{
    qRegisterMetaType<LoadProgress>();
}

LoadRunner::~LoadRunner() = default;

QString LoadRunner::nextSessionQuestion(int session, int turn) const
{
    const QStringList &turns = m_questions.sessions.at(session % m_questions.sessions.size());
    return turns.at(turn % turns.size());
}

void LoadRunner::emitProgress()
{
    LoadProgress p;
    p.elapsedS = double(RequestTrace::nowNs() - m_runStartNs) / 1e9;
    p.finished = m_finished;
    p.inFlight = m_inFlight;
    p.warmup = p.elapsedS < m_scenario.load.warmupS;
    if (m_recorder) {
        const TimeBucket last = m_recorder->bucket(int(p.elapsedS) - 1);
        p.completedLastS = last.completed;
        p.failedLastS = last.failed;
        p.ttfcP95LastMs = last.ttfcP95Ms;
    }
    p.threads = m_lastSample.threads;
    p.rssMb = m_lastSample.rssMb;
    p.engineLagP99Ms = m_lastSample.loopLagP99Ms.value(QStringLiteral("engine"));
    p.load = m_scenario.load.model == LoadModel::Closed ? m_scenario.load.users : m_scenario.load.rate;
    emit progress(p);
}

QCoro::Task<bool> LoadRunner::remoteRequest(qint64 intendedNs, QString question, RemoteConversation *conversation)
{
    ++m_inFlight;
    RequestRecord record;
    record.intendedStartNs = intendedNs;
    record.dispatchNs = RequestTrace::nowNs();
    const CancelTokenPtr cancel = CancelToken::linkedTo(m_stop);
    const RemoteOutcome outcome = co_await m_remote->ask(question, cancel, conversation);
    record.endNs = outcome.endNs;
    record.firstChunkNs = outcome.firstChunkNs;
    record.chunks = outcome.chunks;
    record.ok = outcome.ok;
    record.cancelled = outcome.cancelled;
    record.errorKind = outcome.errorKind;
    m_recorder->record(record);
    --m_inFlight;
    ++m_finished;
    emit requestFinished();
    co_return isRefusal(record.errorKind);
}

QCoro::Task<bool> LoadRunner::request(qint64 intendedNs, QString question, Session *session)
{
    if (m_remote) {
        const bool refused = co_await remoteRequest(intendedNs, question, session ? &session->remote : nullptr);
        co_return refused;
    }
    ++m_inFlight;
    chat::AskOptions options = m_ask;
    options.question = question;
    options.intendedStartNs = intendedNs;
    options.conversationId = session ? session->conversationId : 0;
    options.cancel = CancelToken::linkedTo(m_stop);
    auto firstChunkNs = std::make_shared<qint64>(-1);
    auto chunks = std::make_shared<int>(0);
    const chat::DeltaSink sink = [firstChunkNs, chunks](const QString &) {
        if (*firstChunkNs < 0)
            *firstChunkNs = RequestTrace::nowNs();
        ++*chunks;
    };
    RequestRecord record;
    record.intendedStartNs = intendedNs;
    record.dispatchNs = RequestTrace::nowNs();
    const Result<chat::AskResult> result = co_await m_engine->ask(options, sink);
    record.endNs = RequestTrace::nowNs();
    record.firstChunkNs = *firstChunkNs;
    record.chunks = *chunks;
    record.ok = result.ok();
    if (result) {
        record.stageMs = stagesFromTraceJson(result->trace);
        if (session)
            session->conversationId = result->conversationId;
    } else {
        record.errorKind = errorKindName(result.failure()); // named where it failed (core/error_kind.h)
        record.cancelled = options.cancel->isCancelled() && record.errorKind != QLatin1String("deadline");
        if (session)
            session->conversationId = 0;
    }
    m_recorder->record(record);
    --m_inFlight;
    ++m_finished;
    emit requestFinished();
    co_return isRefusal(record.errorKind);
}

QCoro::Task<void> LoadRunner::virtualUser(int index)
{
    UserSchedule schedule(m_scenario.load, index, m_scenario.seed);
    qint64 next = schedule.firstStartNs();
    int session = index;
    int turn = 0;
    Session state;
    for (;;) {
        const qint64 intended = m_runStartNs + next;
        if (intended >= m_runEndNs)
            break;
        const bool onTime = co_await waitUntil(intended, m_stop);
        if (!onTime)
            break;
        const bool refused = co_await request(intended, nextSessionQuestion(session, turn), &state);
        // A refused user waits before asking again, as a client honouring Retry-After would: at
        // once, it would loop on refusals that cost CPU and answer nothing.
        if (refused && !co_await providers::CancellableDelay::wait(
                           milliseconds(schedule.refusalBackoffNs() / 1'000'000), m_stop))
            break;
        if (++turn >= m_questions.sessions.at(session % m_questions.sessions.size()).size()) {
            session += m_scenario.load.users; // users walk the sessions without sharing one
            turn = 0;
            state = Session{};
        }
        const auto following = schedule.next(RequestTrace::nowNs() - m_runStartNs);
        if (!following)
            break;
        next = *following;
    }
}

QCoro::Task<void> LoadRunner::openArrivals()
{
    const QList<qint64> arrivals = openArrivalsNs(m_scenario.load, m_scenario.seed);
    qsizetype question = 0;
    for (const qint64 at : arrivals) {
        const qint64 intended = m_runStartNs + at;
        const bool onTime = co_await waitUntil(intended, m_stop);
        if (!onTime)
            break;
        // Started, not awaited: an open model sends on schedule whatever the system's state.
        const QStringList &turns = m_questions.sessions.at(question % m_questions.sessions.size());
        request(intended, turns.first(), nullptr);
        ++question;
    }
}

QCoro::Task<void> LoadRunner::run(CancelTokenPtr stop, double drainS)
{
    m_stop = CancelToken::linkedTo(stop);
    m_runStartNs = RequestTrace::nowNs();
    // A run limited by iterations alone has no end time: each user stops after its last one.
    const bool untimed = m_scenario.load.iterations && m_scenario.load.durationS <= 0;
    m_runEndNs = untimed ? std::numeric_limits<qint64>::max() : m_runStartNs + qint64(m_scenario.load.totalS() * 1e9);
    RecorderConfig config;
    config.runStartNs = m_runStartNs;
    config.warmupS = m_scenario.load.warmupS;
    config.durationS = m_scenario.load.iterations ? 0.0 : m_scenario.load.totalS() - m_scenario.load.warmupS;
    for (const QString &expression : m_scenario.thresholds) {
        if (auto threshold = parseThreshold(expression))
            config.thresholds.append(*threshold);
    }
    m_recorder = std::make_unique<RunRecorder>(config);

    // The process as the run sees it, on the same clock: threads, memory, the engine loop's lag.
    metrics::LoopLagProbe engineLoop(50);
    metrics::RuntimeMonitor monitor(250);
    monitor.setHistoryLimit(0); // samples go to the recorder as they come: ten minutes kept would be memory for nothing
    if (m_engine)
        m_engine->watchWith(monitor);
    monitor.watchLoop(QStringLiteral("engine"), &engineLoop);
    RunRecorder *recorder = m_recorder.get();
    connect(&monitor, &metrics::RuntimeMonitor::sampled, this, [this, recorder](const metrics::RuntimeSample &s) {
        recorder->noteRuntime(s, RequestTrace::nowNs());
        m_lastSample = s;
    });
    monitor.start();
    // Stopped before the schedule's end: the measured window ends then, so rates are over the
    // time measured (after it, the drain's cancel changes nothing).
    const CancelSubscription stopped = m_stop->subscribe(this, [recorder] { recorder->noteStoppedAt(RequestTrace::nowNs()); });
    // The process's CPU over the measured window: from the warm-up's end to the schedule's end.
    metrics::CpuClock cpuStart = metrics::CpuClock::now(m_helperPid);
    QTimer cpuWindowStart;
    cpuWindowStart.setSingleShot(true);
    connect(&cpuWindowStart, &QTimer::timeout, this, [this, &cpuStart] { cpuStart = metrics::CpuClock::now(m_helperPid); });
    if (m_scenario.load.warmupS > 0)
        cpuWindowStart.start(int(m_scenario.load.warmupS * 1000));
    bool cpuNoted = false;
    QTimer cpuWindowEnd;
    cpuWindowEnd.setSingleShot(true);
    connect(&cpuWindowEnd, &QTimer::timeout, this, [&] {
        recorder->noteCpuWindow(cpuStart, metrics::CpuClock::now(m_helperPid));
        cpuNoted = true;
    });
    if (!m_scenario.load.iterations)
        cpuWindowEnd.start(int(m_scenario.load.totalS() * 1000));
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, &LoadRunner::emitProgress);
    ticker.start(1000);

    // Closed users await their own requests, so the drain below never sees them: a request still
    // running (a hung server) past the schedule's end plus the drain is cancelled from here.
    QTimer drainLimit;
    drainLimit.setSingleShot(true);
    connect(&drainLimit, &QTimer::timeout, this, [this] { m_stop->cancel(); });
    if (m_scenario.load.model == LoadModel::Closed && !m_scenario.load.iterations)
        drainLimit.start(int(std::max<qint64>(0, (m_runEndNs - RequestTrace::nowNs()) / 1'000'000) + qint64(drainS * 1000)));

    if (m_scenario.load.model == LoadModel::Closed) {
        std::vector<QCoro::Task<void>> users;
        for (int i = 0; i < m_scenario.load.users; ++i)
            users.push_back(virtualUser(i));
        for (auto &user : users)
            co_await std::move(user);
    } else {
        co_await openArrivals();
    }
    // What is still running gets its drain time, then is cancelled; either way every request
    // is recorded before the run returns (and before this object may go). Polled: QCoro 0.8's
    // signal-with-timeout awaiter can be resumed twice when both fire at once.
    const qint64 drainUntil = RequestTrace::nowNs() + qint64(drainS * 1e9);
    while (m_inFlight > 0 && RequestTrace::nowNs() < drainUntil)
        co_await providers::CancellableDelay::wait(milliseconds(50), {});
    if (m_inFlight > 0)
        m_stop->cancel();
    while (m_inFlight > 0)
        co_await providers::CancellableDelay::wait(milliseconds(50), {});
    drainLimit.stop();
    cpuWindowStart.stop();
    cpuWindowEnd.stop();
    if (!cpuNoted) // a run limited by iterations, or stopped early
        recorder->noteCpuWindow(cpuStart, metrics::CpuClock::now(m_helperPid));
    monitor.sampleNow();
    monitor.stop();
    ticker.stop();
    emitProgress();
}

} // namespace rag::loadtest
