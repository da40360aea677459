// The engine's chat facade: answers questions from knowledge bases, streaming, with citations.
// Lives on the engine thread (an event loop of its own in the app; the calling thread in the CLI
// and tests). Async requests are coroutines on that thread: database work on the DB pool, search
// and local models on the CPU pool, provider calls through the pooled async HTTP clients, so no
// thread waits on I/O. Blocking requests (the baseline) run every stage on a bounded pool thread.
// Results are values; deltas reach the caller coalesced.
#pragma once

#include "chat/admission_limit.h"
#include "chat/ask_types.h"
#include "chat/answer_estimate.h"
#include "core/result.h"
#include "metrics/stage_statistics.h"

#include <QObject>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

#include <memory>

namespace rag {
class Workspace;
}
namespace rag::metrics {
class RuntimeMonitor;
}
namespace rag::providers {
class AdmissionQueue;
class ProviderRegistry;
class RerankCallLog;
} // namespace rag::providers
namespace rag::store {
class Database;
}

namespace rag::chat {

struct ChatEngineConfig {
    int cpuThreads = 0;        // 0: the number of cores
    int dbThreads = 2;         // each keeps one database connection
    int blockingThreads = 35;  // the blocking baseline's pool
    int maxConcurrent = 1024;  // async requests past admission at once, at most (AdmissionLimit)
    int minConcurrent = 8;     // ... and at least, however slow answers get
    int maxQueued = 10'000;    // waiting for admission; beyond it requests fail at once
    int coalesceMs = 16;       // deltas gathered for at most one frame
    // Where rerank calls are logged; null: the workspace's database. A load test against the
    // simulator logs to a database of its own, apart from the user's call log.
    std::shared_ptr<store::Database> callLogDatabase;
};

class ChatEngine : public QObject {
    Q_OBJECT
public:
    explicit ChatEngine(Workspace &workspace, ChatEngineConfig config = {}, QObject *parent = nullptr);
    ~ChatEngine() override;

    // On the engine thread. Deltas go to `sink` on this thread as they are coalesced.
    QCoro::Task<Result<AskResult>> ask(AskOptions options, DeltaSink sink);

    providers::ProviderRegistry &providers() { return *m_registry; }
    providers::RerankCallLog &callLog() { return *m_callLog; }
    const metrics::StageStatistics &statistics() const { return m_statistics; }
    metrics::StageStatistics &statistics() { return m_statistics; }
    QThreadPool &cpuPool() { return m_cpuPool; }
    QThreadPool &dbPool() { return m_dbPool; }
    QThreadPool &blockingPool() { return m_blockingPool; }
    int blockingQueued() const { return m_blockingQueued.load(); } // tasks waiting for a blocking thread
    int admissionQueued() const;
    int inFlight() const;
    int activeRequests() const { return m_active; } // ask() calls not yet returned

signals:
    void idle(); // the last active request returned

public:

    // Registers what the runtime monitor samples: the three pools (the blocking pool's queue),
    // the stage gauges, and each provider's HTTP in flight and queued. On the engine thread.
    void watchWith(metrics::RuntimeMonitor &monitor);

private:
    struct Request;
    QCoro::Task<Result<AskResult>> runAsync(std::shared_ptr<Request> request);
    QCoro::Task<Result<AskResult>> runBlocking(std::shared_ptr<Request> request);
    // What follows admission, the same for both modes (chat_engine_stages.cpp).
    QCoro::Task<Result<AskResult>> runStages(std::shared_ptr<Request> request);
    Error stopped(const Request &request, const QString &during) const;

    Workspace &m_workspace;
    ChatEngineConfig m_config;
    QThreadPool m_cpuPool;
    QThreadPool m_dbPool;
    QThreadPool m_blockingPool;
    std::unique_ptr<providers::RerankCallLog> m_callLog;
    std::unique_ptr<providers::ProviderRegistry> m_registry;
    providers::AdmissionQueue *m_admission;
    metrics::StageStatistics m_statistics;
    AnswerEstimate m_answerEstimate; // sheds what could not finish before its deadline
    AdmissionLimit m_limit;        // how many past admission at once
    std::atomic<int> m_blockingQueued{0};
    int m_active = 0;
};

} // namespace rag::chat
