// Samples the process every 250 ms: threads and resident memory (/proc/self/status), each
// registered thread pool's active / queued / max, the event-loop lag of watched threads, the
// requests in flight per pipeline stage, and HTTP in flight / queued per provider. Emits each
// sample as a value and keeps a bounded history, all on one clock, so a latency rise lines up
// with its cause. Lives on the thread that creates it (it only reads).
#pragma once

#include "metrics/loop_lag_probe.h"
#include "metrics/stage_statistics.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <functional>

class QThreadPool;

namespace rag::metrics {

struct PoolSample {
    int active = 0;
    int queued = 0;  // tasks waiting (counted by the pool's owner through a callback)
    int max = 0;
};

struct HttpSample {
    int inFlight = 0;
    int queued = 0;
    int maxConnections = 0;
};

struct RuntimeSample {
    qint64 atMs = 0;           // since the monitor started (monotonic)
    int threads = 0;           // 0 if /proc/self/status could not be read
    double rssMb = 0;
    // Of it, anonymous memory (heap, stacks): RSS also counts every page of a memory-mapped file
    // once per mapping, and each SQLite connection maps the database.
    double anonMb = 0;
    QHash<QString, PoolSample> pools; // pools that were destroyed are left out
    QHash<QString, double> loopLagP99Ms; // per watched loop, over the last interval (0: no tick)
    QHash<QString, double> loopLagMaxMs; // ... the worst tick, or the overdue one if blocked now
    QHash<QString, int> stageInFlight;   // every stage name, 0 included
    QHash<QString, HttpSample> http; // per provider
};

class RuntimeMonitor : public QObject {
    Q_OBJECT
public:
    explicit RuntimeMonitor(int intervalMs = 250, QObject *parent = nullptr);

    // Sources, registered on the monitor's thread; a name registered again replaces the source.
    // Pools: `queued` is a callback because QThreadPool does not expose its queue length; it is
    // called on the monitor's thread and must be thread-safe. A destroyed pool is skipped.
    void watchPool(const QString &name, QThreadPool *pool, std::function<int()> queued = {});
    // The probe lives on the watched thread and must outlive this monitor. Sampling takes the
    // probe's window (takeSnapshot), so give each probe to one monitor only.
    void watchLoop(const QString &name, LoopLagProbe *probe);
    void watchStages(const StageStatistics *stages); // must outlive this monitor
    void watchHttp(std::function<QHash<QString, HttpSample>()> source); // called on this thread

    void start();
    void stop();
    RuntimeSample sampleNow();            // takes a sample at once (also what the timer does)
    QList<RuntimeSample> history() const; // the last `historyLimit` samples, oldest first; any thread
    void setHistoryLimit(int samples);    // 0 keeps none; older samples are dropped at once

    static int processThreadCount();  // /proc/self/status Threads; 0 if unreadable
    static double residentMemoryMb(); // /proc/self/status VmRSS; 0 if unreadable
    static double anonymousMemoryMb(); // /proc/self/status RssAnon; 0 if unreadable

signals:
    void sampled(const rag::metrics::RuntimeSample &sample);

private:
    struct Pool {
        QPointer<QThreadPool> pool;
        std::function<int()> queued;
    };
    void trimHistory(); // m_historyMutex held

    int m_intervalMs;
    QTimer m_timer; // a child, so it follows moveToThread()
    QElapsedTimer m_clock;
    QHash<QString, Pool> m_pools;
    QHash<QString, QPointer<LoopLagProbe>> m_loops;
    const StageStatistics *m_stages = nullptr;
    std::function<QHash<QString, HttpSample>()> m_http;
    mutable QMutex m_historyMutex; // history() may be read from a report or GUI thread
    QList<RuntimeSample> m_history;
    int m_historyLimit = 4 * 60 * 10; // ten minutes at 250 ms
};

} // namespace rag::metrics

Q_DECLARE_METATYPE(rag::metrics::RuntimeSample)
