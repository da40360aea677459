#include "metrics/request_trace.h"
#include "metrics/stage_statistics.h"

#include <QJsonObject>
#include <QSemaphore>
#include <QStringList>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent>

#include <vector>

using rag::metrics::RequestTrace;
using rag::metrics::Stage;
using rag::metrics::StageStatistics;
using rag::metrics::stageName;

namespace {

constexpr qint64 kNsPerMs = 1'000'000;

// A trace with a fixed start and marks at the given ms offsets, so durations are exact.
RequestTrace traceAt(qint64 startNs, std::initializer_list<std::pair<Stage, qint64>> marksMs)
{
    RequestTrace trace(startNs);
    for (const auto &[stage, ms] : marksMs)
        trace.markAt(stage, startNs + ms * kNsPerMs);
    return trace;
}

// A full, successful request: 1 ms per stage up to the prompt, then the model.
RequestTrace fullTrace(qint64 startNs, qint64 searchMs = 10)
{
    return traceAt(startNs, {{Stage::Admission, 1}, {Stage::Load, 2}, {Stage::Embed, 3},
                             {Stage::Search, 3 + searchMs}, {Stage::Rerank, 4 + searchMs},
                             {Stage::Prompt, 5 + searchMs}, {Stage::FirstToken, 105 + searchMs},
                             {Stage::FirstChunk, 125 + searchMs}, {Stage::LastChunk, 525 + searchMs},
                             {Stage::Save, 530 + searchMs}});
}

} // namespace

class TestRequestTrace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stageNamesAreTheJsonKeys()
    {
        QStringList names;
        for (int i = 0; i < int(Stage::Count); ++i)
            names << stageName(Stage(i));
        QCOMPARE(names, QStringList({"admission", "load", "embed", "search", "rerank", "prompt",
                                     "first_token", "ttfc", "last_chunk", "save"}));
        QVERIFY(stageName(Stage::Count).isEmpty());
    }

    void marksGiveDurationsFromThePreviousStage()
    {
        const qint64 start = RequestTrace::nowNs();
        const RequestTrace trace = fullTrace(start);
        QCOMPARE(trace.startedNs(), start);
        QCOMPARE(*trace.sinceStartMs(Stage::Admission), 1.0);
        QCOMPARE(*trace.durationMs(Stage::Admission), 1.0); // from the start
        QCOMPARE(*trace.durationMs(Stage::Search), 10.0);
        QCOMPARE(*trace.durationMs(Stage::FirstToken), 100.0);
        QCOMPARE(*trace.durationMs(Stage::FirstChunk), 20.0);
        QCOMPARE(*trace.sinceStartMs(Stage::FirstChunk), 135.0);
        QCOMPARE(*trace.durationMs(Stage::LastChunk), 400.0);
        QCOMPARE(*trace.totalMs(), 540.0);
        QVERIFY(trace.elapsedMs() >= 0);
    }

    void markUsesTheTraceClock()
    {
        RequestTrace trace;
        const qint64 before = RequestTrace::nowNs();
        trace.mark(Stage::Admission);
        const qint64 after = RequestTrace::nowNs();
        QVERIFY(trace.has(Stage::Admission));
        QVERIFY(!trace.has(Stage::Load));
        const double since = *trace.sinceStartMs(Stage::Admission);
        QVERIFY(since >= double(before - trace.startedNs()) / kNsPerMs);
        QVERIFY(since <= double(after - trace.startedNs()) / kNsPerMs);
        QVERIFY(trace.elapsedMs() >= since);
    }

    void firstMarkWins()
    {
        const qint64 start = RequestTrace::nowNs();
        RequestTrace trace = traceAt(start, {{Stage::Load, 5}});
        trace.markAt(Stage::Load, start + 9 * kNsPerMs);
        trace.mark(Stage::Load);
        QCOMPARE(*trace.sinceStartMs(Stage::Load), 5.0);
    }

    void unreachedStagesHaveNoValue()
    {
        const RequestTrace trace(RequestTrace::nowNs());
        for (int i = 0; i < int(Stage::Count); ++i) {
            QVERIFY(!trace.has(Stage(i)));
            QVERIFY(!trace.sinceStartMs(Stage(i)));
            QVERIFY(!trace.durationMs(Stage(i)));
        }
        QVERIFY(!trace.totalMs());
        QVERIFY(trace.toJson().isEmpty());
    }

    void skippedStagesFoldIntoTheNextReachedOne()
    {
        // No admission, no embedding, no rerank (e.g. a keyword-only assistant).
        const RequestTrace trace = traceAt(RequestTrace::nowNs(),
                                           {{Stage::Load, 4}, {Stage::Search, 10}, {Stage::Prompt, 13}});
        QCOMPARE(*trace.durationMs(Stage::Load), 4.0);    // from the start
        QCOMPARE(*trace.durationMs(Stage::Search), 6.0);  // from the end of load
        QCOMPARE(*trace.durationMs(Stage::Prompt), 3.0);  // from the end of search
        QVERIFY(!trace.durationMs(Stage::Embed));
        QVERIFY(!trace.durationMs(Stage::Rerank));
    }

    void intendedStartCountsScheduleLag()
    {
        // A load test that fell 50 ms behind its schedule: the user waited those 50 ms too.
        const qint64 intended = RequestTrace::nowNs() - 50 * kNsPerMs;
        RequestTrace trace(intended);
        trace.mark(Stage::Admission);
        trace.mark(Stage::FirstChunk);
        QVERIFY(*trace.durationMs(Stage::Admission) >= 50.0);
        QVERIFY(*trace.sinceStartMs(Stage::FirstChunk) >= 50.0);
        QVERIFY(trace.toJson().value("ttfc").toDouble() >= 50.0);
    }

    void jsonHasReachedStagesTtfcAndTotal()
    {
        const RequestTrace trace = traceAt(RequestTrace::nowNs(),
                                           {{Stage::Admission, 1}, {Stage::Search, 7}, {Stage::FirstToken, 57},
                                            {Stage::FirstChunk, 60}, {Stage::LastChunk, 160}});
        const QJsonObject json = trace.toJson();
        QStringList keys = json.keys();
        keys.sort();
        QCOMPARE(keys, QStringList({"admission", "first_token", "last_chunk", "search", "total", "ttfc"}));
        QCOMPARE(json.value("admission").toDouble(), 1.0);
        QCOMPARE(json.value("search").toDouble(), 6.0);
        QCOMPARE(json.value("first_token").toDouble(), 50.0);
        QCOMPARE(json.value("ttfc").toDouble(), 60.0);       // since start, not since first token
        QCOMPARE(json.value("last_chunk").toDouble(), 100.0); // since the first chunk
        QCOMPARE(json.value("total").toDouble(), 160.0);
    }

    void jsonRoundsToMicroseconds()
    {
        const qint64 start = RequestTrace::nowNs();
        RequestTrace trace(start);
        trace.markAt(Stage::Load, start + 1'234'567); // 1.234567 ms
        QCOMPARE(trace.toJson().value("load").toDouble(), 1.235);
    }

    void statisticsCountOutcomesAndAggregateStages()
    {
        StageStatistics stats;
        const qint64 start = RequestTrace::nowNs();
        for (int i = 0; i < 3; ++i)
            stats.record(fullTrace(start), true, false);
        stats.record(traceAt(start, {{Stage::Admission, 1}, {Stage::Load, 2}}), false, false);
        stats.record(fullTrace(start), true, true); // cancelled wins over ok
        const auto snap = stats.snapshot();
        QCOMPARE(snap.completed, 3);
        QCOMPARE(snap.failed, 1);
        QCOMPARE(snap.cancelled, 1);
        QCOMPARE(snap.stages.value("admission").count(), 5); // every outcome's stages count
        QCOMPARE(snap.stages.value("load").count(), 5);
        QCOMPARE(snap.stages.value("search").count(), 4);
        QCOMPARE(snap.stages.value("search").min(), 10'000); // us
        QCOMPARE(snap.stages.value("search").max(), 10'000);
        QCOMPARE(snap.stages.value("ttfc").count(), 4);
        QCOMPARE(snap.stages.value("ttfc").max(), 135'000); // since the start
        QCOMPARE(snap.stages.value("e2e").count(), 3);      // completed requests only
        QCOMPARE(snap.stages.value("e2e").max(), 540'000);
        QVERIFY(!snap.stages.contains("first_chunk"));
    }

    void statisticsPercentiles()
    {
        StageStatistics stats;
        const qint64 start = RequestTrace::nowNs();
        for (qint64 ms = 1; ms <= 100; ++ms)
            stats.record(fullTrace(start, ms), true, false);
        const auto search = stats.snapshot().stages.value("search");
        QCOMPARE(search.count(), 100);
        QCOMPARE(search.min(), 1'000);
        QCOMPARE(search.max(), 100'000);
        QVERIFY(qAbs(search.percentile(0.5) - 50'000) <= 50);
        QVERIFY(qAbs(search.percentile(0.99) - 99'000) <= 99);
    }

    void snapshotIsAValueAndResetClears()
    {
        StageStatistics stats;
        stats.record(fullTrace(RequestTrace::nowNs()), true, false);
        stats.enter(Stage::Rerank);
        const auto before = stats.snapshot();
        stats.record(fullTrace(RequestTrace::nowNs()), false, false);
        QCOMPARE(before.completed, 1);
        QCOMPARE(before.failed, 0);
        QCOMPARE(before.stages.value("save").count(), 1);
        stats.reset();
        const auto after = stats.snapshot();
        QCOMPARE(after.completed, 0);
        QCOMPARE(after.failed, 0);
        QVERIFY(after.stages.isEmpty());
        QCOMPARE(after.inFlight.value("rerank"), 1); // a request still in rerank is still there
        QCOMPARE(before.stages.value("save").count(), 1);
    }

    void unmatchedLeaveNeverGoesNegative()
    {
        StageStatistics stats;
        stats.leave(Stage::Embed);
        QCOMPARE(stats.inFlight().value("embed"), 0);
        stats.enter(Stage::Embed);
        QCOMPARE(stats.inFlight().value("embed"), 1);
        QCOMPARE(stats.inFlight().size(), int(Stage::Count)); // every stage, zeros included
    }

    void inFlightCountsRequestsInsideAStage()
    {
        // Four requests held inside the search stage on four pool threads at once.
        constexpr int kInside = 4;
        StageStatistics stats;
        QThreadPool pool;
        pool.setMaxThreadCount(kInside);
        QSemaphore inside;
        QSemaphore release;
        QList<QFuture<void>> futures;
        for (int i = 0; i < kInside; ++i) {
            futures << QtConcurrent::run(&pool, [&] {
                stats.enter(Stage::Search);
                inside.release();
                release.acquire();
                stats.leave(Stage::Search);
            });
        }
        inside.acquire(kInside);
        QCOMPARE(stats.snapshot().inFlight.value("search"), kInside);
        release.release(kInside);
        for (auto &future : futures)
            future.waitForFinished();
        QCOMPARE(stats.snapshot().inFlight.value("search"), 0);
    }

    void concurrentEnterLeaveAndRecordBalance()
    {
        StageStatistics stats;
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        std::vector<int> requests(4000);
        const qint64 start = RequestTrace::nowNs();
        QtConcurrent::blockingMap(&pool, requests, [&](int &) {
            for (int i = 0; i < int(Stage::Count); ++i) {
                stats.enter(Stage(i));
                stats.leave(Stage(i));
            }
            stats.record(fullTrace(start), true, false);
        });
        const auto snap = stats.snapshot();
        for (auto it = snap.inFlight.cbegin(); it != snap.inFlight.cend(); ++it)
            QCOMPARE(it.value(), 0);
        QCOMPARE(snap.completed, 4000);
        QCOMPARE(snap.stages.value("save").count(), 4000);
    }
};

QTEST_GUILESS_MAIN(TestRequestTrace)
#include "tst_request_trace.moc"
