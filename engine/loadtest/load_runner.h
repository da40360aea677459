// Drives a scenario's load against the embedded chat engine: virtual users (closed model) or
// scheduled arrivals (open model) as coroutines on the engine's thread, each request dispatched
// at its intended start and recorded from it, so queueing anywhere shows in the latencies. A
// runtime monitor samples the process on the same clock. With a remote target set, requests go
// to it instead of the engine.
#pragma once

#include "chat/ask_types.h"
#include "loadtest/remote_target.h"
#include "loadtest/run_recorder.h"
#include "loadtest/scenario.h"
#include "metrics/runtime_monitor.h"

#include <QObject>

#include <qcoro/qcorotask.h>

#include <atomic>
#include <memory>

namespace rag::chat {
class ChatEngine;
}

namespace rag::loadtest {

struct LoadProgress {
    double elapsedS = 0; // since this run (sweep step) started
    qint64 finished = 0;
    int inFlight = 0;
    bool warmup = true;
    // The last whole second: what a live chart plots.
    qint64 completedLastS = 0;
    qint64 failedLastS = 0;
    double ttfcP95LastMs = 0; // 0 when no first chunk came in that second
    int threads = 0;
    double rssMb = 0;
    double engineLagP99Ms = 0;
    // Sweeps: which step (0-based) of how many, at which load (users or requests/s).
    int step = 0;
    int steps = 1;
    double load = 0;
};

class LoadRunner : public QObject {
    Q_OBJECT
public:
    // `ask` is the question as the engine gets it, minus the question text; every request uses it.
    LoadRunner(chat::ChatEngine &engine, Scenario scenario, QuestionSet questions, chat::AskOptions ask,
               QObject *parent = nullptr);
    // Every request goes to `target` (owned by the caller, alive through run()); no engine.
    LoadRunner(RemoteTarget &target, Scenario scenario, QuestionSet questions, QObject *parent = nullptr);
    ~LoadRunner() override;

    // Sends every request to `target` (owned by the caller, alive through run()) instead of the
    // engine; a multi-turn session continues on the target (history or RAGFlow session id).
    void setRemoteTarget(RemoteTarget *target) { m_remote = target; }
    // A process whose CPU the report gives apart, per request (the simulator's, ragdesk sim).
    void setHelperProcess(qint64 pid) { m_helperPid = pid; }

    // Runs the whole scenario on this thread's event loop; the result is the recorder with every
    // request in it. Requests still running when the schedule ends get `drainS` to finish, then
    // they are cancelled (and counted as such).
    QCoro::Task<void> run(CancelTokenPtr stop, double drainS = 30.0);

    const RunRecorder &recorder() const { return *m_recorder; }
    int inFlight() const { return m_inFlight; }

signals:
    void progress(const rag::loadtest::LoadProgress &progress); // about once a second
    void requestFinished();

private:
    QCoro::Task<void> virtualUser(int index);
    QCoro::Task<void> openArrivals();
    // A turn of a session: the engine's conversation id, or the remote target's conversation.
    struct Session {
        qint64 conversationId = 0;
        RemoteConversation remote;
    };
    // `session` (may be null: a single question) is continued and updated with the answer.
    // Both return whether the target refused the request as overloaded.
    QCoro::Task<bool> request(qint64 intendedNs, QString question, Session *session);
    QCoro::Task<bool> remoteRequest(qint64 intendedNs, QString question, RemoteConversation *conversation);
    QString nextSessionQuestion(int session, int turn) const;
    void emitProgress();

    chat::ChatEngine *m_engine = nullptr; // null with a remote target only
    RemoteTarget *m_remote = nullptr;
    qint64 m_helperPid = 0;
    Scenario m_scenario;
    QuestionSet m_questions;
    chat::AskOptions m_ask;
    std::unique_ptr<RunRecorder> m_recorder;
    qint64 m_runStartNs = 0;
    qint64 m_runEndNs = 0;
    CancelTokenPtr m_stop;
    int m_inFlight = 0;
    qint64 m_finished = 0;
    int m_nextSession = 0;
    int m_running = 0; // users or arrival coroutines still going
    metrics::RuntimeSample m_lastSample;
};

} // namespace rag::loadtest

Q_DECLARE_METATYPE(rag::loadtest::LoadProgress)
