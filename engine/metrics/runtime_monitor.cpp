#include "metrics/runtime_monitor.h"

#include <QFile>
#include <QMutexLocker>
#include <QThreadPool>

#include <algorithm>
#include <optional>
#include <utility>

namespace rag::metrics {

namespace {
// The first number on the "Key:" line of /proc/self/status, or nullopt. readAll() rather than
// a loop on atEnd(): procfs reports a size of 0, so atEnd() is true before anything is read.
std::optional<qint64> procStatusValue(QByteArrayView key)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (!line.startsWith(key) || line.size() <= key.size() || line.at(key.size()) != ':')
            continue;
        const QList<QByteArray> fields = line.mid(key.size() + 1).simplified().split(' ');
        bool ok = false;
        const qint64 value = fields.value(0).toLongLong(&ok);
        return ok ? std::optional<qint64>(value) : std::nullopt;
    }
    return std::nullopt;
}
} // namespace

RuntimeMonitor::RuntimeMonitor(int intervalMs, QObject *parent)
    : QObject(parent)
    , m_intervalMs(std::max(1, intervalMs))
    , m_timer(this)
{
    // sampled() is meant for other threads (a GUI, a load test report): queued connections need
    // the type registered before the first emission.
    qRegisterMetaType<rag::metrics::RuntimeSample>();
    m_timer.setInterval(m_intervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { sampleNow(); });
    m_clock.start();
}

void RuntimeMonitor::watchPool(const QString &name, QThreadPool *pool, std::function<int()> queued)
{
    m_pools.insert(name, Pool{pool, std::move(queued)});
}

void RuntimeMonitor::watchLoop(const QString &name, LoopLagProbe *probe)
{
    m_loops.insert(name, probe);
}

void RuntimeMonitor::watchStages(const StageStatistics *stages)
{
    m_stages = stages;
}

void RuntimeMonitor::watchHttp(std::function<QHash<QString, HttpSample>()> source)
{
    m_http = std::move(source);
}

void RuntimeMonitor::start()
{
    m_timer.start();
}

void RuntimeMonitor::stop()
{
    m_timer.stop();
}

RuntimeSample RuntimeMonitor::sampleNow()
{
    RuntimeSample sample;
    sample.atMs = m_clock.elapsed();
    sample.threads = processThreadCount();
    sample.rssMb = residentMemoryMb();
    sample.anonMb = anonymousMemoryMb();
    for (auto it = m_pools.cbegin(); it != m_pools.cend(); ++it) {
        const QThreadPool *pool = it->pool.data();
        if (!pool)
            continue;
        PoolSample p;
        p.active = pool->activeThreadCount();
        p.max = pool->maxThreadCount();
        p.queued = it->queued ? it->queued() : 0;
        sample.pools.insert(it.key(), p);
    }
    for (auto it = m_loops.cbegin(); it != m_loops.cend(); ++it) {
        LoopLagProbe *probe = it->data();
        if (!probe)
            continue;
        const LoopLagSnapshot window = probe->takeSnapshot();
        sample.loopLagP99Ms.insert(it.key(), double(window.lag.percentile(0.99)) / 1000.0);
        sample.loopLagMaxMs.insert(it.key(), double(std::max(window.lag.max(), window.maxStallUs)) / 1000.0);
    }
    if (m_stages)
        sample.stageInFlight = m_stages->inFlight();
    if (m_http)
        sample.http = m_http();
    {
        QMutexLocker lock(&m_historyMutex);
        m_history.append(sample);
        trimHistory();
    }
    emit sampled(sample);
    return sample;
}

QList<RuntimeSample> RuntimeMonitor::history() const
{
    QMutexLocker lock(&m_historyMutex);
    return m_history;
}

void RuntimeMonitor::setHistoryLimit(int samples)
{
    QMutexLocker lock(&m_historyMutex);
    m_historyLimit = std::max(0, samples);
    trimHistory();
}

void RuntimeMonitor::trimHistory()
{
    if (m_history.size() > m_historyLimit)
        m_history.remove(0, m_history.size() - m_historyLimit);
}

int RuntimeMonitor::processThreadCount()
{
    return int(procStatusValue("Threads").value_or(0));
}

double RuntimeMonitor::residentMemoryMb()
{
    return double(procStatusValue("VmRSS").value_or(0)) / 1024.0; // the kernel reports kB
}

double RuntimeMonitor::anonymousMemoryMb()
{
    return double(procStatusValue("RssAnon").value_or(0)) / 1024.0;
}

} // namespace rag::metrics
