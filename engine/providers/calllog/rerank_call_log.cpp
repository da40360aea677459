#include "providers/calllog/rerank_call_log.h"

#include "providers/calllog/secret_redactor.h"
#include "store/database.h"
#include "store/rerank_call_repository.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QThread>

#include <atomic>

namespace rag::providers {

Q_LOGGING_CATEGORY(lcCallLog, "rag.providers.calllog", QtWarningMsg)

RerankCallLog::RerankCallLog(std::shared_ptr<store::Database> database, qint64 retention)
    : m_database(std::move(database))
    , m_retention(std::max<qint64>(1, retention))
{
    // One writer thread: it keeps one connection, and batches keep their order.
    m_writer.setMaxThreadCount(1);
    m_writer.setExpiryTimeout(-1);
}

RerankCallLog::~RerankCallLog()
{
    flush();
    m_writer.waitForDone();
}

void RerankCallLog::record(store::RerankCallRecord call, RerankCallBodies bodies)
{
    QMutexLocker lock(&m_mutex);
    ++m_counts[{call.provider, call.ok}];
    m_pending.append({std::move(call), std::move(bodies)});
    if (m_draining)
        return; // the running drain picks it up
    m_draining = true;
    m_writer.start([this] { drain(); });
}

QList<RerankCallCount> RerankCallLog::counts() const
{
    QMutexLocker lock(&m_mutex);
    QList<RerankCallCount> out;
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it)
        out.append({it.key().first, it.key().second, it.value()});
    return out;
}

void RerankCallLog::drain()
{
    store::RerankCallRepository repository(m_database->connection());
    for (;;) {
        QList<Pending> pending;
        {
            QMutexLocker lock(&m_mutex);
            if (m_pending.isEmpty()) {
                m_draining = false;
                m_idle.wakeAll();
                return;
            }
            pending.swap(m_pending);
        }
        QList<store::RerankCallRecord> batch;
        batch.reserve(pending.size());
        for (Pending &p : pending) {
            if (!p.bodies.request.isEmpty())
                p.call.requestBody = redactAndCap(p.bodies.request, p.bodies.secrets);
            if (!p.bodies.response.isEmpty())
                p.call.responseBody = redactAndCap(p.bodies.response, p.bodies.secrets);
            if (!p.bodies.secrets.isEmpty()) {
                p.call.query = redactSecrets(p.call.query, p.bodies.secrets);
                p.call.error = redactSecrets(p.call.error, p.bodies.secrets); // errors quote providers
            }
            batch.append(std::move(p.call));
        }
        pending.clear(); // the raw bodies, with what they may hold, go at once
        auto stored = repository.append(batch);
        if (stored) {
            // After every batch, on this thread: two b-tree seeks, and the table then never
            // holds more than the limit.
            if (auto pruned = repository.prune(m_retention); !pruned)
                qCWarning(lcCallLog) << "could not prune the rerank call log:" << pruned.error();
        } else {
            qCWarning(lcCallLog) << "rerank calls not logged:" << stored.error();
        }
        QMutexLocker lock(&m_mutex);
        (stored ? m_written : m_dropped) += batch.size();
        // A commit makes every other connection drop its page cache and its mapping of the
        // database file (SQLite's rule for any change), so searches then fault their pages back
        // in: one commit per rerank call cost a quarter of the process's CPU under load. Commits
        // are spaced instead; what arrives meanwhile joins the next batch. flush() cuts it short.
        if (m_flushes == 0)
            m_wake.wait(&m_mutex, kCommitSpacingMs);
    }
}

QString RerankCallLog::currentThreadLabel()
{
    const QString name = QThread::currentThread()->objectName();
    if (!name.isEmpty() && name != QLatin1String("Thread (pooled)"))
        return name;
    // An unnamed thread, or a pool's (QThreadPool names them all alike): a number of its own for
    // the process's life, which a reader can tell apart and compare across calls.
    static std::atomic<int> nextSerial{1};
    thread_local const int serial = nextSerial.fetch_add(1);
    return QStringLiteral("pool thread %1").arg(serial);
}

void RerankCallLog::flush()
{
    QMutexLocker lock(&m_mutex);
    ++m_flushes;
    m_wake.wakeAll();
    while (m_draining)
        m_idle.wait(&m_mutex);
    --m_flushes;
}

qint64 RerankCallLog::dropped() const
{
    QMutexLocker lock(&m_mutex);
    return m_dropped;
}

} // namespace rag::providers
