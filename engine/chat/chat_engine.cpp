#include "chat/chat_engine.h"

#include "chat/chat_engine_request.h"
#include "chat/stage_scope.h"
#include "chat/delta_coalescer.h"
#include "chat/pipeline_steps.h"
#include "metrics/request_trace.h"
#include "metrics/runtime_monitor.h"
#include "providers/calllog/rerank_call_log.h"
#include "providers/chat/chat_model.h"
#include "providers/http/admission_queue.h"
#include "providers/provider_registry.h"
#include "providers/rerank/reranker.h"
#include "workspace/workspace.h"

#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::chat {

using metrics::Stage;
using std::chrono::milliseconds;


ChatEngine::ChatEngine(Workspace &workspace, ChatEngineConfig config, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_config(config)
    , m_limit(std::min(config.minConcurrent, config.maxConcurrent), config.maxConcurrent)
{
    m_cpuPool.setMaxThreadCount(config.cpuThreads > 0 ? config.cpuThreads : QThread::idealThreadCount());
    m_cpuPool.setObjectName(QStringLiteral("cpu"));
    m_dbPool.setMaxThreadCount(std::clamp(config.dbThreads, 1, 4));
    m_dbPool.setObjectName(QStringLiteral("db"));
    // Pool threads keep their database connection: they must not expire and come back new.
    m_dbPool.setExpiryTimeout(-1);
    m_blockingPool.setMaxThreadCount(std::max(1, config.blockingThreads));
    m_blockingPool.setObjectName(QStringLiteral("blocking"));
    m_callLog = std::make_unique<providers::RerankCallLog>(config.callLogDatabase ? config.callLogDatabase
                                                                                 : workspace.sharedDatabase());
    m_registry = std::make_unique<providers::ProviderRegistry>(
        providers::ProviderRegistry::Services{workspace.sharedDatabase(), workspace.dataDir(), &m_cpuPool, m_callLog.get()});
    m_admission = new providers::AdmissionQueue(m_limit.limit(), config.maxQueued, this);
}

ChatEngine::~ChatEngine()
{
    m_blockingPool.waitForDone();
    m_cpuPool.waitForDone();
    m_dbPool.waitForDone();
}

int ChatEngine::admissionQueued() const
{
    return m_admission->queued();
}

int ChatEngine::inFlight() const
{
    return m_admission->inUse();
}

void ChatEngine::watchWith(metrics::RuntimeMonitor &monitor)
{
    monitor.watchPool(QStringLiteral("cpu"), &m_cpuPool);
    monitor.watchPool(QStringLiteral("db"), &m_dbPool);
    monitor.watchPool(QStringLiteral("blocking"), &m_blockingPool, [this] { return m_blockingQueued.load(); });
    monitor.watchStages(&m_statistics);
    monitor.watchHttp([this] {
        QHash<QString, metrics::HttpSample> http;
        const auto stats = m_registry->clientStats();
        for (auto it = stats.cbegin(); it != stats.cend(); ++it)
            http.insert(it.key(), {it->inFlight, it->queued, it->maxConnections});
        return http;
    });
}

Error ChatEngine::stopped(const Request &request, const QString &during) const
{
    if (request.deadlineHit.load())
        return fail(QStringLiteral("the request passed its deadline of %1 ms during %2")
                        .arg(request.options.deadline.count())
                        .arg(during),
                    ErrorKind::Deadline);
    return fail(QStringLiteral("cancelled during %1").arg(during), ErrorKind::Cancelled);
}

QCoro::Task<Result<AskResult>> ChatEngine::ask(AskOptions options, DeltaSink sink)
{
    ++m_active;
    auto request = std::make_shared<Request>(options);
    request->sink = std::move(sink);
    request->token = CancelToken::linkedTo(options.cancel);
    request->deadline.reset(new QTimer);
    request->deadline->setSingleShot(true);
    CancelToken *token = request->token.get();
    std::atomic<bool> *hit = &request->deadlineHit;
    connect(request->deadline.get(), &QTimer::timeout, request->deadline.get(), [token, hit] {
        hit->store(true);
        token->cancel();
    });
    request->deadline->start(request->remaining());
    // The first delta marks time to first chunk: what the caller sees, after coalescing.
    Request *raw = request.get();
    request->coalescer.reset(new DeltaCoalescer(
        [raw](const QString &text) {
            if (raw->markOnDelivery && !raw->trace.has(Stage::FirstChunk))
                raw->trace.mark(Stage::FirstChunk);
            if (raw->sink)
                raw->sink(text);
        },
        m_config.coalesceMs));

    Result<AskResult> outcome = fail(QString());
    try {
        if (options.mode == AskMode::Blocking) {
            request->markOnDelivery = false;
            outcome = co_await runBlocking(request);
        }
        else
            outcome = co_await runAsync(request);
    } catch (const std::exception &e) { // QCoro 0.8 would drop it silently
        outcome = fail(QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what())), ErrorKind::Internal);
    }
    // What a stopped answer had gathered still reaches the caller, and nothing after this: the
    // coalescer is deleted later, and its timer firing into a finished request's sink crashed
    // an overloaded load test that cancelled two thousand requests at once.
    request->coalescer->flush();
    request->coalescer->discard();
    request->deadline->stop();
    if (outcome) {
        outcome->trace = request->traceJson();
        if (auto ttfc = request->trace.sinceStartMs(Stage::FirstChunk))
            outcome->ttfcMs = *ttfc;
    }
    m_statistics.record(request->trace, outcome.ok(), !outcome.ok() && request->stopped());
    if (--m_active == 0)
        emit idle();
    co_return outcome;
}

QCoro::Task<Result<AskResult>> ChatEngine::runAsync(std::shared_ptr<Request> request)
{
    Request &r = *request;
    QPointer<ChatEngine> self(this);
    {
        StageScope scope(m_statistics, Stage::Admission);
        // A request that would have to queue is refused now, cheaply, when it could not finish
        // its answer before its deadline anyway: under overload, queued work that times out
        // after costing CPU is what makes throughput fall (docs/chat.md, "Overload").
        const int ahead = m_admission->queued();
        if (ahead > 0 || m_admission->inUse() >= m_admission->capacity()) {
            const auto endMs = m_answerEstimate.expectedEndMs(ahead, m_admission->capacity());
            if (endMs && *endMs > double(r.remaining().count()))
                co_return fail(QStringLiteral("overloaded: the answer would end in about %1 ms, after the request's "
                                              "deadline (%2 ms left); %3 requests are waiting")
                                   .arg(qint64(*endMs))
                                   .arg(r.remaining().count())
                                   .arg(ahead),
                               ErrorKind::Overloaded);
        }
        const auto admission = co_await m_admission->acquire(r.remaining(), r.token);
        if (!self)
            co_return fail(QStringLiteral("the engine shut down"), ErrorKind::ShuttingDown);
        if (admission == providers::Admission::Overloaded)
            co_return fail(QStringLiteral("overloaded: %1 requests are already waiting").arg(m_admission->queued()),
                           ErrorKind::Overloaded);
        if (admission != providers::Admission::Granted)
            co_return stopped(r, QStringLiteral("admission"));
    }
    // Granted too late to finish in time: the slot goes to the next in line instead. (Not a hold
    // the estimate should learn from: it would pull the mean hold time towards zero.)
    if (const auto endMs = m_answerEstimate.expectedEndMs(-1, m_admission->capacity());
        endMs && *endMs > double(r.remaining().count())) {
        m_admission->release();
        co_return fail(QStringLiteral("overloaded: admitted with %1 ms left, and answers take about %2 ms from "
                                      "admission")
                           .arg(r.remaining().count())
                           .arg(qint64(*endMs)),
                       ErrorKind::Overloaded);
    }
    r.trace.mark(Stage::Admission);
    // Whatever happens next, the slot goes back when this coroutine ends, and how long it was
    // held teaches the answer estimate, answered or not.
    const std::shared_ptr<void> slot(nullptr, [self, raw = &r](void *) {
        if (!self)
            return;
        self->m_admission->release();
        if (const auto admitted = raw->trace.sinceStartMs(Stage::Admission)) {
            const auto started = raw->trace.sinceStartMs(Stage::FirstChunk);
            self->m_answerEstimate.noteHeld(raw->trace.elapsedMs() - *admitted, started.has_value());
            if (started)
                self->m_admission->setCapacity(self->m_limit.noteStart(*started - *admitted, self->m_admission->inUse()));
        }
    });

    auto stages = runStages(request);
    co_return co_await stages;
}

} // namespace rag::chat
