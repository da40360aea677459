#include "chat/engine_host.h"

#include "workspace/workspace.h"

#include <QMetaObject>

namespace rag::chat {

namespace {

// The question's coroutine on the engine thread. A free function, not a lambda: its arguments
// are copied into its frame and stay valid across every suspension. It talks back only through
// the host (which outlives the engine), never through the handle, which the caller may delete.
QCoro::Task<void> answer(ChatEngine *engine, AskOptions options, EngineHost *host, quint64 id)
{
    const DeltaSink sink = [host, id](const QString &text) {
        QMetaObject::invokeMethod(host, [host, id, text] { host->deliverDelta(id, text); }, Qt::QueuedConnection);
    };
    Result<AskResult> result = co_await engine->ask(options, sink);
    AskOutcome outcome;
    outcome.ok = result.ok();
    if (result)
        outcome.result = *result;
    else {
        outcome.error = result.error();
        outcome.errorKind = errorKindName(result.failure());
    }
    // Queued after every delta this request posted, so the caller sees them first.
    QMetaObject::invokeMethod(host, [host, id, outcome] { host->deliverOutcome(id, outcome); }, Qt::QueuedConnection);
}

} // namespace

AskHandle::AskHandle(CancelTokenPtr cancel, QObject *parent)
    : QObject(parent)
    , m_cancel(std::move(cancel))
{
}

AskHandle::~AskHandle()
{
    if (!m_finished)
        m_cancel->cancel(); // nobody is listening any more: stop the work and free its slot
}

void AskHandle::cancel()
{
    m_cancel->cancel();
}

void AskHandle::deliverDelta(const QString &text)
{
    if (!m_finished)
        emit delta(text);
}

void AskHandle::deliverOutcome(const AskOutcome &outcome)
{
    if (m_finished)
        return;
    m_finished = true;
    m_outcome = outcome;
    emit finished(m_outcome);
}

EngineHost::EngineHost(Workspace &workspace, ChatEngineConfig config, QObject *parent)
    : QObject(parent)
    , m_shutdown(CancelToken::create())
{
    qRegisterMetaType<AskOutcome>();
    qRegisterMetaType<metrics::RuntimeSample>();
    // Created on the engine thread, so its pools, timers and HTTP clients belong to it.
    m_worker.runAndWait([this, &workspace, config] {
        m_engine = new ChatEngine(workspace, config);
        m_engineLoop = new metrics::LoopLagProbe(50);
        m_monitor = new metrics::RuntimeMonitor(250);
        m_engine->watchWith(*m_monitor);
        m_monitor->watchLoop(QStringLiteral("engine"), m_engineLoop);
        m_monitor->watchLoop(QStringLiteral("gui"), &m_hostLoop);
        m_monitor->start();
    });
    connect(m_monitor, &metrics::RuntimeMonitor::sampled, this, [this](const metrics::RuntimeSample &sample) {
        m_lastSample = sample;
        emit sampled(sample);
    }, Qt::QueuedConnection);
}

EngineHost::~EngineHost()
{
    m_shutdown->cancel(); // every request in flight stops
    m_worker.stop([this](const std::function<void()> &done) {
        // Cancelled requests still unwind through the engine's event loop (aborted replies,
        // finished futures); the engine may only go once the last one has returned.
        const auto teardown = [this, done] {
            delete m_monitor;
            delete m_engineLoop;
            delete m_engine;
            m_engine = nullptr;
            done();
        };
        if (m_engine->activeRequests() == 0)
            teardown();
        else
            connect(m_engine, &ChatEngine::idle, m_worker.context(), teardown, Qt::QueuedConnection);
    });
}

AskHandle *EngineHost::ask(AskOptions options, QObject *handleParent)
{
    // The caller's token (if any) and the host's shutdown both stop the request.
    CancelTokenPtr cancel = CancelToken::linkedTo(options.cancel, m_shutdown);
    options.cancel = cancel;
    auto *handle = new AskHandle(cancel, handleParent);
    const quint64 id = m_nextRequest++;
    m_handles.insert(id, handle);
    ChatEngine *engine = m_engine;
    QMetaObject::invokeMethod(m_worker.context(), [engine, options, this, id] { answer(engine, options, this, id); },
                              Qt::QueuedConnection);
    return handle;
}

void EngineHost::deliverDelta(quint64 request, const QString &text)
{
    if (AskHandle *handle = m_handles.value(request))
        handle->deliverDelta(text);
}

void EngineHost::deliverOutcome(quint64 request, const AskOutcome &outcome)
{
    const QPointer<AskHandle> handle = m_handles.take(request);
    if (handle)
        handle->deliverOutcome(outcome);
}

} // namespace rag::chat
