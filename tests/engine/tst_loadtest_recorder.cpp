#include "loadtest/run_recorder.h"

#include "metrics/request_trace.h"

#include <QtConcurrent>
#include <QTest>

using namespace rag::loadtest;

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kS = 1'000 * kMs;
constexpr qint64 kStart = 5 * kS; // the run's zero on the monotonic clock: not 0 on purpose

// A request intended at `intendedMs` after the run's start, dispatched `lagMs` later, showing
// its first chunk `ttfcAfterDispatchMs` after dispatch and ending `e2eAfterDispatchMs` after it.
RequestRecord request(double intendedMs, double lagMs, double ttfcAfterDispatchMs, double e2eAfterDispatchMs)
{
    RequestRecord r;
    r.intendedStartNs = kStart + qint64(intendedMs * kMs);
    r.dispatchNs = r.intendedStartNs + qint64(lagMs * kMs);
    r.firstChunkNs = ttfcAfterDispatchMs < 0 ? -1 : r.dispatchNs + qint64(ttfcAfterDispatchMs * kMs);
    r.endNs = r.dispatchNs + qint64(e2eAfterDispatchMs * kMs);
    r.chunks = 16;
    r.ok = true;
    return r;
}

RequestRecord failed(double intendedMs, const QString &kind)
{
    RequestRecord r = request(intendedMs, 0, -1, 50);
    r.ok = false;
    r.chunks = 0;
    r.errorKind = kind;
    return r;
}

RecorderConfig config(double warmupS, double durationS, QList<Threshold> thresholds = {})
{
    return RecorderConfig{kStart, warmupS, durationS, std::move(thresholds)};
}

rag::metrics::RuntimeSample sample(int threads, double rssMb, double engineLagMs)
{
    rag::metrics::RuntimeSample s;
    s.threads = threads;
    s.rssMb = rssMb;
    s.loopLagP99Ms.insert(QStringLiteral("engine"), engineLagMs);
    return s;
}

// The runtime monitor's view at `atMs` after the run's start: a blocking pool with `active` of
// 8 threads busy and `queued` tasks waiting, the reranker's connections, the engine loop's lag.
void note(RunRecorder &recorder, double atMs, int active, int queued, double lagMs = 1)
{
    rag::metrics::RuntimeSample s = sample(20, 100, lagMs);
    s.pools.insert(QStringLiteral("blocking"), {active, queued, 8});
    s.http.insert(QStringLiteral("rerank"), {2, 0, 32});
    s.stageInFlight.insert(QStringLiteral("admission"), 0);
    recorder.noteRuntime(s, kStart + qint64(atMs * kMs));
}

} // namespace

class TestLoadtestRecorder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsAddUp()
    {
        RunRecorder recorder(config(0, 10));
        recorder.record(request(0, 0, 100, 500));
        recorder.record(request(100, 0, 100, 500));
        recorder.record(failed(200, QStringLiteral("timeout")));
        recorder.record(failed(300, QStringLiteral("timeout")));
        recorder.record(failed(400, QStringLiteral("http_503")));
        RequestRecord cancelled = request(500, 0, 100, 200);
        cancelled.cancelled = true;
        recorder.record(cancelled);
        RequestRecord failedAnyway = failed(600, QString());
        recorder.record(failedAnyway);

        const RunSummary s = recorder.summary();
        QCOMPARE(s.recorded, 7);
        QCOMPARE(s.completed + s.failed + s.cancelled, s.recorded);
        QCOMPARE(s.completed, 2);
        QCOMPARE(s.failed, 4);
        QCOMPARE(s.cancelled, 1);
        QCOMPARE(s.errorsByKind.value(QStringLiteral("timeout")), 2);
        QCOMPARE(s.errorsByKind.value(QStringLiteral("http_503")), 1);
        QCOMPARE(s.errorsByKind.value(QStringLiteral("error")), 1); // no kind given
        QCOMPARE(s.errorRate, 4.0 / 6.0); // cancels are not errors
        // e2e only for completed requests, ttfc for every request that showed a chunk.
        QCOMPARE(s.stages.value(QStringLiteral("e2e")).count, 2);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).count, 3);
        QCOMPARE(s.stages.value(QStringLiteral("schedule_lag")).count, 7);
    }

    void latencyCountsFromTheIntendedStart()
    {
        RunRecorder recorder(config(0, 1));
        // Dispatched 300 ms late (the system was stalled): TTFC and e2e include those 300 ms.
        recorder.record(request(0, 300, 200, 1000));
        const RunSummary s = recorder.summary();
        QCOMPARE(s.stages.value(QStringLiteral("schedule_lag")).max, 300.0);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).max, 500.0);
        QCOMPARE(s.stages.value(QStringLiteral("e2e")).max, 1300.0);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).p50, 500.0);
    }

    void recordsPipelineStagesFromATrace()
    {
        rag::metrics::RequestTrace trace(1'000 * kMs);
        trace.markAt(rag::metrics::Stage::Embed, 1'030 * kMs);
        trace.markAt(rag::metrics::Stage::Search, 1'045 * kMs);
        trace.markAt(rag::metrics::Stage::FirstChunk, 1'300 * kMs);
        const QHash<QString, double> stages = stagesFromTraceJson(trace.toJson());
        QCOMPARE(stages.value(QStringLiteral("embed")), 30.0);
        QCOMPARE(stages.value(QStringLiteral("search")), 15.0);
        QVERIFY(!stages.contains(QStringLiteral("ttfc")));
        QVERIFY(!stages.contains(QStringLiteral("total")));

        RunRecorder recorder(config(0, 1));
        RequestRecord r = request(0, 0, 300, 400);
        r.stageMs = stages;
        recorder.record(r);
        const RunSummary s = recorder.summary();
        QCOMPARE(s.stages.value(QStringLiteral("embed")).p95, 30.0);
        QCOMPARE(s.stages.value(QStringLiteral("search")).count, 1);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).max, 300.0);
    }

    void warmupIsExcludedButKeptInTheSeries()
    {
        RunRecorder recorder(config(2, 4));
        recorder.record(request(500, 0, 9000, 9000));  // intended in the warm-up: slow and ignored
        recorder.record(request(1999, 0, 9000, 9000)); // still the warm-up
        recorder.record(failed(1000, QStringLiteral("timeout")));
        for (int i = 0; i < 8; ++i)
            recorder.record(request(2000 + i * 500, 0, 100, 200));
        const RunSummary s = recorder.summary();
        QCOMPARE(s.recorded, 11);
        QCOMPARE(s.warmup, 3);
        QCOMPARE(s.completed, 8);
        QCOMPARE(s.failed, 0);
        QVERIFY(s.errorsByKind.isEmpty());
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).max, 100.0);
        QCOMPARE(s.measuredS, 4.0);
        QCOMPARE(s.throughputRps, 2.0); // 8 completed over the 4 s window, not 11 over 6 s

        const QList<TimeBucket> series = recorder.timeSeries();
        QVERIFY(series.size() >= 6);
        QVERIFY(series[0].warmup && series[1].warmup && !series[2].warmup);
        qint64 total = 0;
        for (const TimeBucket &b : series)
            total += b.completed + b.failed + b.cancelled;
        QCOMPARE(total, 11); // the series shows the warm-up too
        QCOMPARE(series[1].failed, 1); // the failure ended at 1.05 s
    }

    void throughputCountsWhatEndsInTheWindow()
    {
        RunRecorder recorder(config(2, 4)); // the window: 2 s .. 6 s
        recorder.record(request(500, 0, 3000, 3000));  // sent in the warm-up, answered at 3.5 s
        recorder.record(request(1000, 0, 100, 200));   // sent and answered in the warm-up
        recorder.record(request(3000, 0, 100, 200));   // sent and answered in the window
        recorder.record(request(5000, 0, 2000, 2000)); // sent in the window, answered at 7 s
        const RunSummary s = recorder.summary();
        QCOMPARE(s.completed, 2);      // latencies: the requests sent in the window
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).count, 2);
        QCOMPARE(s.throughputRps, 0.5); // work done in the window: 2 answers over 4 s
    }

    void aStoppedRunIsMeasuredUntilItStopped()
    {
        RunRecorder recorder(config(1, 20)); // 20 s configured, stopped at 5 s
        recorder.record(request(2000, 0, 100, 200)); // answered at 2.2 s
        recorder.record(request(3000, 0, 100, 200));
        recorder.noteStoppedAt(kStart + 5 * 1000 * kMs);
        RequestRecord cut = request(4800, 0, -1, 400); // cancelled by the stop, ends at 5.2 s
        cut.ok = false;
        cut.errorKind = QStringLiteral("cancelled");
        recorder.record(cut);
        RunSummary s = recorder.summary();
        QCOMPARE(s.measuredS, 4.0);     // 1 s .. 5 s, not the 20 s configured
        QCOMPARE(s.throughputRps, 0.5); // 2 answers over 4 s

        RunRecorder inWarmup(config(2, 20));
        inWarmup.noteStoppedAt(kStart + 1000 * kMs); // before anything was measured
        s = inWarmup.summary();
        QCOMPARE(s.measuredS, 0.0);
        QCOMPARE(s.throughputRps, 0.0);

        RunRecorder drained(config(1, 4)); // cancelled by the drain, after the window: unchanged
        drained.noteStoppedAt(kStart + 9000 * kMs);
        QCOMPARE(drained.summary().measuredS, 4.0);
    }

    void throughputWithoutAFixedWindow()
    {
        RunRecorder recorder(config(1, 0)); // iterations: the window ends with the last request
        recorder.record(request(1000, 0, 100, 1000));
        recorder.record(request(2000, 0, 100, 1000)); // ends at 3 s: window 2 s
        const RunSummary s = recorder.summary();
        QCOMPARE(s.measuredS, 2.0);
        QCOMPARE(s.throughputRps, 1.0);
    }

    void timeSeriesBucketsPerSecond()
    {
        RunRecorder recorder(config(0, 3));
        // Second 0: two end; one spans seconds 0 -> 2 (in flight at the ends of seconds 0 and 1).
        recorder.record(request(0, 0, 100, 300));
        recorder.record(request(100, 0, 200, 500));
        recorder.record(request(200, 0, 400, 2300)); // ends at 2.5 s
        RequestRecord f = failed(1200, QStringLiteral("timeout")); // ends at 1.25 s
        recorder.record(f);
        const QList<TimeBucket> series = recorder.timeSeries();
        QCOMPARE(series.size(), 3);
        QCOMPARE(series[0].completed, 2);
        QCOMPARE(series[0].ttfcP95Ms, 200.0); // nearest rank of {100, 200}
        QCOMPARE(series[0].inFlight, 1);
        QCOMPARE(series[1].failed, 1);
        QCOMPARE(series[1].completed, 0);
        QCOMPARE(series[1].inFlight, 1);
        QCOMPARE(series[2].completed, 1);
        QCOMPARE(series[2].ttfcP95Ms, 400.0);
        QCOMPARE(series[2].inFlight, 0);
        QCOMPARE(series[2].second, 2);
    }

    void goodputCountsRequestsWithinTheLatencyThresholds()
    {
        QList<Threshold> thresholds{parseThreshold(QStringLiteral("p95(ttfc) < 1500ms")).value(),
                                    parseThreshold(QStringLiteral("p99(e2e) < 3s")).value(),
                                    parseThreshold(QStringLiteral("p95(rerank) < 500ms")).value(),
                                    parseThreshold(QStringLiteral("error_rate < 1%")).value()};
        RunRecorder recorder(config(0, 4, thresholds));
        recorder.record(request(0, 0, 1000, 2000));    // good
        recorder.record(request(0, 600, 1000, 2000));  // TTFC 1600 from the intended start: not good
        recorder.record(request(0, 0, 1000, 3500));    // e2e too long
        recorder.record(request(0, 0, -1, 100));       // no content chunk: not good
        RequestRecord slowRerank = request(0, 0, 100, 200);
        slowRerank.stageMs.insert(QStringLiteral("rerank"), 700);
        recorder.record(slowRerank);
        recorder.record(request(0, 0, 1499, 2999));    // good, right under both limits
        recorder.record(failed(0, QStringLiteral("x"))); // failures are never good
        const RunSummary s = recorder.summary();
        QCOMPARE(s.completed, 6);
        QCOMPARE(s.goodputRps, 0.5); // 2 good over 4 s
        QCOMPARE(s.throughputRps, 1.5);

        // Answered after the window closed: measured (its latency counts) but not throughput.
        recorder.record(request(0, 0, 1000, 4500));
        const RunSummary late = recorder.summary();
        QCOMPARE(late.completed, 7);
        QCOMPARE(late.throughputRps, 1.5);
        QCOMPARE(late.goodputRps, 0.5);
    }

    void runtimeKeepsPeaks()
    {
        RunRecorder recorder(config(0, 1));
        recorder.noteRuntime(sample(40, 300, 2.5), kStart);
        recorder.noteRuntime(sample(55, 280, 1.0), kStart);
        recorder.noteRuntime(sample(30, 310, 4.0), kStart);
        const RunSummary s = recorder.summary();
        QCOMPARE(s.threadsPeak, 55);
        QCOMPARE(s.rssPeakMb, 310.0);
        QCOMPARE(s.loopLagP99Ms, 4.0);
    }

    void resourcesCountOnlyTheMeasuredWindow()
    {
        RunRecorder recorder(config(1, 2)); // measured from 1 s to 3 s
        note(recorder, 500, 8, 50);         // warm-up: not counted
        note(recorder, 1500, 8, 4);
        note(recorder, 2000, 8, 2);
        note(recorder, 2500, 4, 0);
        note(recorder, 3500, 8, 50);        // after the window
        const RunSummary s = recorder.summary();
        const ResourceUse blocking = s.resources.value(QStringLiteral("pool:blocking"));
        QCOMPARE(blocking.samples, 3);
        QCOMPARE(blocking.capacity, 8);
        QCOMPARE(blocking.busyMean, (1.0 + 1.0 + 0.5) / 3);
        QCOMPARE(blocking.busyPeak, 1.0);
        QCOMPARE(blocking.queuedMean, 2.0);
        QCOMPARE(blocking.queuedPeak, 4);
        QCOMPARE(s.resources.value(QStringLiteral("http:rerank")).busyMean, 2.0 / 32);
        QVERIFY(s.resources.contains(QStringLiteral("admission")));
        QCOMPARE(s.resources.value(QStringLiteral("loop:engine")).busyMean, 0.0);
        // Peaks still cover the whole run, warm-up included.
        QCOMPARE(s.threadsPeak, 20);
    }

    void cpuWindowGivesCostPerRequest()
    {
        RunRecorder recorder(config(0, 2));
        for (int i = 0; i < 10; ++i)
            recorder.record(request(i * 100, 0, 10, 50));
        rag::metrics::CpuClock start;
        start.processS = 1.0;
        start.machineBusy = 1000;
        start.machineTotal = 4000;
        rag::metrics::CpuClock end = start;
        end.processS = 1.5;      // 0.5 s of CPU for 10 requests
        end.machineBusy = 1300;  // 300 of 400 ticks busy
        end.machineTotal = 4400;
        recorder.noteCpuWindow(start, end);
        const RunSummary s = recorder.summary();
        QCOMPARE(s.cpuMsPerRequest, 50.0);
        QCOMPARE(s.cpuCores, 0.25); // 0.5 s over a 2 s window
        QCOMPARE(s.machineCpuBusy, 0.75);
        QVERIFY(s.cores >= 1);
        QCOMPARE(s.simulatorCpuMsPerRequest, -1.0); // no helper process was measured

        start.helperS = 3.0;
        end.helperS = 3.2; // the simulator: 0.2 s for the same 10 requests
        recorder.noteCpuWindow(start, end);
        QCOMPARE(recorder.summary().simulatorCpuMsPerRequest, 20.0);
    }

    void aHelperProcessCpuIsReadFromProc()
    {
        // This process as its own helper: /proc's ticks agree with getrusage within a tick or two.
        volatile double sink = 0;
        for (int i = 0; i < 20'000'000; ++i)
            sink = sink + i * 0.5;
        const rag::metrics::CpuClock clock = rag::metrics::CpuClock::now(QCoreApplication::applicationPid());
        QVERIFY(clock.helperS >= 0);
        QVERIFY2(std::abs(clock.helperS - clock.processS) < 0.05, qPrintable(QString::number(clock.helperS - clock.processS)));
        QCOMPARE(rag::metrics::CpuClock::now(0).helperS, -1.0);
    }

    void absorbJoinsSweepSteps()
    {
        RunRecorder first(config(1, 2));
        RunRecorder second(config(1, 2));
        first.record(request(500, 0, 10, 20));      // warm-up
        first.record(request(1500, 0, 100, 200));
        first.record(failed(1600, QStringLiteral("timeout")));
        second.record(request(1200, 0, 300, 400));
        second.record(request(1300, 0, 500, 600));
        note(first, 1500, 8, 3);
        RunRecorder whole(RecorderConfig{});
        whole.absorb(first);
        whole.absorb(second);
        const RunSummary s = whole.summary();
        QCOMPARE(s.recorded, 5);
        QCOMPARE(s.warmup, 1);
        QCOMPARE(s.completed, 3);
        QCOMPARE(s.failed, 1);
        QCOMPARE(s.errorsByKind.value(QStringLiteral("timeout")), 1);
        QCOMPARE(s.measuredS, 4.0);
        QCOMPARE(s.throughputRps, 3.0 / 4.0);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).count, 3);
        QCOMPARE(s.stages.value(QStringLiteral("ttfc")).max, 500.0);
        QCOMPARE(s.threadsPeak, 20);
        // The second step's seconds follow the first's, each step's warm-up still marked.
        const QList<TimeBucket> series = whole.timeSeries();
        const qsizetype firstLength = first.timeSeries().size();
        QCOMPARE(series.size(), firstLength + second.timeSeries().size());
        QVERIFY(series.at(0).warmup);
        QVERIFY(series.at(firstLength).warmup);
        QVERIFY(!series.at(firstLength + 1).warmup);
        qint64 total = 0;
        for (const TimeBucket &b : series)
            total += b.completed + b.failed + b.cancelled;
        QCOMPARE(total, 5);
        QCOMPARE(series.constLast().inFlight, 0);
    }

    void bucketMatchesTheSeries()
    {
        RunRecorder recorder(config(0, 3));
        for (int i = 0; i < 30; ++i)
            recorder.record(request(i * 90, 0, 100 + i, 300));
        const QList<TimeBucket> series = recorder.timeSeries();
        for (const TimeBucket &b : series) {
            const TimeBucket one = recorder.bucket(b.second);
            QCOMPARE(one.completed, b.completed);
            QCOMPARE(one.inFlight, b.inFlight);
            QCOMPARE(one.ttfcP95Ms, b.ttfcP95Ms);
        }
        QCOMPARE(recorder.bucket(1000).completed, 0);
        QCOMPARE(recorder.bucket(-1).completed, 0);
    }

    void recordsFromManyThreads()
    {
        RunRecorder recorder(config(1, 10));
        QList<int> indices;
        for (int i = 0; i < 4000; ++i)
            indices << i;
        // Every fifth fails, every seventh of the rest is cancelled; a quarter fall in the warm-up.
        QtConcurrent::blockingMap(indices, [&recorder](int i) {
            RequestRecord r = i % 5 == 0 ? failed(i % 4 * 400, QStringLiteral("timeout")) : request(i % 4 * 400, 1, 50, 100);
            if (i % 5 != 0 && i % 7 == 0)
                r.cancelled = true;
            recorder.record(r);
            if (i % 100 == 0)
                recorder.noteRuntime(sample(i / 100, 1, 0), kStart);
        });
        const RunSummary s = recorder.summary();
        QCOMPARE(s.recorded, 4000);
        QCOMPARE(s.warmup, 3000); // intended at 0, 400 and 800 ms: before the 1 s warm-up's end
        QCOMPARE(s.completed + s.failed + s.cancelled, 1000);
        QCOMPARE(s.failed, 200);
        QCOMPARE(s.errorsByKind.value(QStringLiteral("timeout")), 200);
        QCOMPARE(s.stages.value(QStringLiteral("schedule_lag")).count, 1000);
        QCOMPARE(s.threadsPeak, 39);
        qint64 inSeries = 0;
        for (const TimeBucket &b : recorder.timeSeries())
            inSeries += b.completed + b.failed + b.cancelled;
        QCOMPARE(inSeries, 4000);
    }
};

QTEST_GUILESS_MAIN(TestLoadtestRecorder)
#include "tst_loadtest_recorder.moc"
