// Runs the chat engine on a thread of its own (the "engine thread": its event loop carries every
// coroutine, timer and HTTP reply) and lets another thread, typically the GUI's, ask questions
// without ever waiting on it: ask() returns at once with a handle that lives on the caller's
// thread and reports deltas and the outcome through queued signals carrying values.
#pragma once

#include "chat/ask_types.h"
#include "chat/chat_engine.h"
#include "core/worker_thread.h"
#include "metrics/loop_lag_probe.h"
#include "metrics/runtime_monitor.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>

namespace rag {
class Workspace;
}

namespace rag::chat {

struct AskOutcome {
    bool ok = false;
    QString error;
    QString errorKind; // "overloaded", "provider_http_503", ... (core/error_kind.h)
    AskResult result;
};

// One question in flight, owned by the caller (delete it or let its parent do so; a handle
// deleted early cancels its request).
class AskHandle : public QObject {
    Q_OBJECT
public:
    explicit AskHandle(CancelTokenPtr cancel, QObject *parent = nullptr);
    ~AskHandle() override;

    void cancel(); // the request stops at whatever stage it is in
    bool isFinished() const { return m_finished; }
    const AskOutcome &outcome() const { return m_outcome; }

    // Called by EngineHost on the handle's thread.
    void deliverDelta(const QString &text);
    void deliverOutcome(const AskOutcome &outcome);

signals:
    void delta(const QString &text);                        // coalesced, in order
    void finished(const rag::chat::AskOutcome &outcome);    // once, after the last delta

private:
    CancelTokenPtr m_cancel;
    bool m_finished = false;
    AskOutcome m_outcome;
};

class EngineHost : public QObject {
    Q_OBJECT
signals:
    void sampled(const rag::metrics::RuntimeSample &sample); // on the host's thread

public:
    // The workspace must outlive the host. The engine is created on the new thread.
    explicit EngineHost(Workspace &workspace, ChatEngineConfig config = {}, QObject *parent = nullptr);
    // Cancels what is in flight, lets it unwind on the engine thread, then frees the engine there
    // and stops the thread (core/worker_thread.h).
    ~EngineHost() override;

    AskHandle *ask(AskOptions options, QObject *handleParent = nullptr);

    QThread *engineThread() { return m_worker.thread(); }
    // For code that runs on the engine thread (a monitor, the load tester's virtual users).
    ChatEngine *engine() const { return m_engine; }

    // The latest runtime sample (threads, pools, loop lag of the engine and the host's threads,
    // requests per stage, HTTP per provider), taken every 250 ms on the engine thread.
    metrics::RuntimeSample lastSample() const { return m_lastSample; }

    // On the host's thread: route what the engine posted to the request's handle, if it still exists.
    void deliverDelta(quint64 request, const QString &text);
    void deliverOutcome(quint64 request, const AskOutcome &outcome);

private:
    WorkerThread m_worker{QStringLiteral("engine")};
    ChatEngine *m_engine = nullptr; // lives on the engine thread, as do the two below
    metrics::LoopLagProbe *m_engineLoop = nullptr;
    metrics::RuntimeMonitor *m_monitor = nullptr;
    metrics::LoopLagProbe m_hostLoop;               // the host's (GUI) thread
    metrics::RuntimeSample m_lastSample;
    CancelTokenPtr m_shutdown;
    quint64 m_nextRequest = 1;
    QHash<quint64, QPointer<AskHandle>> m_handles; // on the host's thread only
};

} // namespace rag::chat

Q_DECLARE_METATYPE(rag::chat::AskOutcome)
