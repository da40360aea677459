#include "metrics/loop_lag_probe.h"
#include "metrics/runtime_monitor.h"
#include "metrics/stage_statistics.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>

using rag::metrics::HttpSample;
using rag::metrics::LoopLagProbe;
using rag::metrics::RuntimeMonitor;
using rag::metrics::RuntimeSample;
using rag::metrics::Stage;
using rag::metrics::StageStatistics;

namespace {

// A thread with its own event loop, like the engine thread, and a way to run code on it.
// Objects made with make() are children of a context object that is deleted on that thread
// when it finishes, so they die where they lived.
class LoopThread {
public:
    LoopThread()
    {
        m_context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
        m_thread.start();
    }
    ~LoopThread()
    {
        m_thread.quit();
        m_thread.wait();
    }
    template <typename F>
    void runBlocking(F f) { QMetaObject::invokeMethod(m_context, f, Qt::BlockingQueuedConnection); }
    template <typename F>
    void post(F f) { QMetaObject::invokeMethod(m_context, f, Qt::QueuedConnection); }
    template <typename T>
    T *make(int intervalMs)
    {
        T *object = nullptr;
        runBlocking([&] { object = new T(intervalMs, m_context); });
        return object;
    }
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject *m_context = new QObject;
};

} // namespace

class TestRuntimeMonitor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // First, while no other test has started threads that could exit during the measurement.
    void threadsAndPoolsAreReported()
    {
        constexpr int kThreads = 4;
        constexpr int kQueued = 2;
        QThreadPool pool;
        pool.setMaxThreadCount(kThreads);
        std::atomic<int> queued{0}; // what a pool's owner would count: submitted, not yet started
        QSemaphore running;
        QSemaphore release;
        auto cleanup = qScopeGuard([&] {
            release.release(kThreads + kQueued);
            pool.waitForDone();
        });
        RuntimeMonitor monitor;
        monitor.watchPool(QStringLiteral("cpu"), &pool, [&] { return queued.load(); });

        const int before = RuntimeMonitor::processThreadCount();
        QVERIFY(before >= 1);
        for (int i = 0; i < kThreads + kQueued; ++i) {
            ++queued;
            pool.start([&] {
                --queued;
                running.release();
                release.acquire();
            });
        }
        running.acquire(kThreads); // every pool thread now exists and is blocked in a task

        const RuntimeSample busy = monitor.sampleNow();
        QVERIFY(busy.threads >= before + kThreads);
        QVERIFY(busy.rssMb > 0);
        QCOMPARE(busy.pools.value("cpu").active, kThreads);
        QCOMPARE(busy.pools.value("cpu").queued, kQueued);
        QCOMPARE(busy.pools.value("cpu").max, kThreads);

        release.release(kThreads + kQueued);
        pool.waitForDone();
        const RuntimeSample idle = monitor.sampleNow();
        QCOMPARE(idle.pools.value("cpu").active, 0);
        QCOMPARE(idle.pools.value("cpu").queued, 0);
        QCOMPARE(idle.pools.value("cpu").max, kThreads);
    }

    void poolWithoutCallbackOrDestroyed()
    {
        RuntimeMonitor monitor;
        QThreadPool kept;
        kept.setMaxThreadCount(3);
        auto *gone = new QThreadPool;
        monitor.watchPool(QStringLiteral("db"), &kept);
        monitor.watchPool(QStringLiteral("gone"), gone);
        delete gone;
        const RuntimeSample sample = monitor.sampleNow();
        QCOMPARE(sample.pools.value("db").queued, 0);
        QCOMPARE(sample.pools.value("db").max, 3);
        QVERIFY(!sample.pools.contains("gone"));
    }

    void probeWindowResets()
    {
        LoopLagProbe probe(5);
        QCOMPARE(probe.intervalMs(), 5);
        QTRY_VERIFY_WITH_TIMEOUT(probe.snapshot().lag.count() >= 2, 5000);
        const auto taken = probe.takeSnapshot();
        QVERIFY(taken.lag.count() >= 2);
        QVERIFY(taken.lag.min() >= 0);
        // This thread's loop has not run since, so no tick can have landed in the new window.
        QCOMPARE(probe.snapshot().lag.count(), 0);
    }

    void blockedLoopShowsAsLag()
    {
        constexpr int kIntervalMs = 10;
        constexpr qint64 kBlockMs = 200;
        constexpr qint64 kToleranceMs = 2;
        LoopThread engine;
        LoopLagProbe *probe = engine.make<LoopLagProbe>(kIntervalMs);
        RuntimeMonitor monitor;
        monitor.watchLoop(QStringLiteral("engine"), probe);
        QTRY_VERIFY_WITH_TIMEOUT(probe->snapshot().lag.count() >= 1, 5000); // the loop is ticking

        QSemaphore blocked;
        QSemaphore unblock;
        auto cleanup = qScopeGuard([&] { unblock.release(); });
        engine.post([&] {
            blocked.release();
            unblock.acquire(); // a task that blocks the engine loop, as a sync call would
        });
        blocked.acquire();
        QElapsedTimer busy;
        busy.start();
        probe->takeSnapshot(); // a fresh window: no tick can land in it while the loop is blocked
        while (busy.elapsed() < kBlockMs)
            QThread::msleep(5);
        const qint64 blockedMs = busy.elapsed();
        // The tick was due at most one interval after the block began, and fires only after it.
        const qint64 floorUs = (blockedMs - kIntervalMs - kToleranceMs) * 1000;

        // While still blocked, a sample already shows the stall.
        const RuntimeSample during = monitor.sampleNow();
        QVERIFY2(during.loopLagMaxMs.value("engine") * 1000 >= double(floorUs),
                 qPrintable(QString::number(during.loopLagMaxMs.value("engine"))));
        QCOMPARE(during.loopLagP99Ms.value("engine"), 0.0); // no tick has fired in the window

        unblock.release();
        QTRY_VERIFY_WITH_TIMEOUT(probe->snapshot().lag.count() >= 1, 5000);
        const auto after = probe->takeSnapshot();
        QVERIFY2(after.lag.max() >= floorUs, qPrintable(QString::number(after.lag.max())));
        QVERIFY(after.maxStallUs >= floorUs);
    }

    void sampledCrossesThreads()
    {
        LoopThread engine;
        auto *monitor = engine.make<RuntimeMonitor>(20);
        QObject receiver; // its destruction drops samples still queued for it
        QList<RuntimeSample> samples;
        QList<QThread *> threads;
        connect(monitor, &RuntimeMonitor::sampled, &receiver, [&](const RuntimeSample &sample) {
            samples << sample;
            threads << QThread::currentThread();
        });
        engine.runBlocking([&] { monitor->start(); });
        QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 3, 5000);
        engine.runBlocking([&] { monitor->stop(); });
        for (qsizetype i = 0; i < samples.size(); ++i) {
            QCOMPARE(threads.at(i), QThread::currentThread());
            QVERIFY(samples.at(i).threads >= 2); // this one and the engine thread
            if (i > 0)
                QVERIFY(samples.at(i).atMs >= samples.at(i - 1).atMs);
        }
    }

    void stagesAndHttpAreReported()
    {
        StageStatistics stats;
        stats.enter(Stage::Search);
        stats.enter(Stage::Search);
        stats.enter(Stage::Embed);
        RuntimeMonitor monitor;
        monitor.watchStages(&stats);
        monitor.watchHttp([] {
            return QHash<QString, HttpSample>{{QStringLiteral("rerank"), HttpSample{3, 7, 6}}};
        });
        const RuntimeSample sample = monitor.sampleNow();
        QCOMPARE(sample.stageInFlight.value("search"), 2);
        QCOMPARE(sample.stageInFlight.value("embed"), 1);
        QVERIFY(sample.stageInFlight.contains("save"));
        QCOMPARE(sample.stageInFlight.value("save"), 0);
        QCOMPARE(sample.http.value("rerank").inFlight, 3);
        QCOMPARE(sample.http.value("rerank").queued, 7);
        QCOMPARE(sample.http.value("rerank").maxConnections, 6);
    }

    void historyIsBounded()
    {
        RuntimeMonitor monitor;
        int calls = 0; // tags each sample through the HTTP source
        monitor.watchHttp([&] {
            ++calls;
            return QHash<QString, HttpSample>{{QStringLiteral("llm"), HttpSample{calls, 0, 0}}};
        });
        monitor.setHistoryLimit(3);
        for (int i = 0; i < 5; ++i)
            monitor.sampleNow();
        auto tags = [&] {
            QList<int> out;
            for (const RuntimeSample &s : monitor.history())
                out << s.http.value("llm").inFlight;
            return out;
        };
        QCOMPARE(tags(), QList<int>({3, 4, 5})); // the newest, oldest first
        monitor.setHistoryLimit(1);
        QCOMPARE(tags(), QList<int>({5}));
        monitor.setHistoryLimit(0);
        monitor.sampleNow();
        QVERIFY(monitor.history().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeMonitor)
#include "tst_runtime_monitor.moc"
