#include "loadtest/report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace rag::loadtest;

namespace {

Scenario scenario()
{
    auto s = parseScenario(R"({"name": "s1", "target": {"kind": "embedded", "kb": "demo"},
        "load": {"users": 50, "warmup_s": 10, "duration_s": 60}, "questions": ["q"],
        "thresholds": ["p95(ttfc) < 1500ms", "error_rate < 1%"]})", QString());
    return s.value();
}

RunSummary summary(double ttfcP95)
{
    RunSummary s;
    s.completed = 1800;
    s.failed = 12;
    s.cancelled = 3;
    s.warmup = 250;
    s.measuredS = 60;
    s.throughputRps = 30;
    s.goodputRps = 28.5;
    s.errorRate = 12.0 / 1812.0;
    s.errorsByKind.insert(QStringLiteral("timeout"), 12);
    for (const QString &stage : {QStringLiteral("ttfc"), QStringLiteral("e2e"), QStringLiteral("schedule_lag"), QStringLiteral("rerank")}) {
        StageSummary st;
        st.p50 = ttfcP95 / 2;
        st.p90 = ttfcP95 * 0.9;
        st.p95 = ttfcP95;
        st.p99 = ttfcP95 * 1.25;
        st.max = ttfcP95 * 2;
        st.mean = ttfcP95 / 2;
        st.count = 1800;
        s.stages.insert(stage, st);
    }
    s.threadsPeak = 48;
    s.rssPeakMb = 412.25;
    s.loopLagP99Ms = 3.5;
    s.startedAt = QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC);
    return s;
}

QList<ThresholdResult> results(const RunSummary &s)
{
    return evaluateThresholds({parseThreshold(QStringLiteral("p95(ttfc) < 1500ms")).value(),
                               parseThreshold(QStringLiteral("error_rate < 0.5%")).value()}, s);
}

} // namespace

class TestLoadtestReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reportHasEveryRequiredKey()
    {
        const RunSummary s = summary(812);
        const QJsonObject r = reportJson(scenario(), s, results(s));
        QCOMPARE(r.value(QStringLiteral("schema")).toInt(), kReportSchema);
        QCOMPARE(r.value(QStringLiteral("name")).toString(), QStringLiteral("s1"));
        QCOMPARE(r.value(QStringLiteral("started_at")).toString(), QStringLiteral("2026-11-27T12:00:00Z"));
        const QJsonObject requests = r.value(QStringLiteral("requests")).toObject();
        QCOMPARE(requests.value(QStringLiteral("completed")).toInteger(), 1800);
        QCOMPARE(requests.value(QStringLiteral("failed")).toInteger(), 12);
        QCOMPARE(requests.value(QStringLiteral("cancelled")).toInteger(), 3);
        QCOMPARE(requests.value(QStringLiteral("warmup")).toInteger(), 250);
        QCOMPARE(r.value(QStringLiteral("throughput_rps")).toDouble(), 30.0);
        QCOMPARE(r.value(QStringLiteral("goodput_rps")).toDouble(), 28.5);
        QCOMPARE(r.value(QStringLiteral("duration_s")).toDouble(), 60.0);
        QCOMPARE(r.value(QStringLiteral("errors_by_kind")).toObject().value(QStringLiteral("timeout")).toInteger(), 12);
        const QJsonObject stages = r.value(QStringLiteral("stages")).toObject();
        for (const QString &stage : {QStringLiteral("ttfc"), QStringLiteral("e2e"), QStringLiteral("schedule_lag")}) {
            const QJsonObject st = stages.value(stage).toObject();
            for (const QString &key : {QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99"), QStringLiteral("max")})
                QVERIFY2(st.value(key).isDouble(), qPrintable(stage + QLatin1Char('.') + key));
        }
        QCOMPARE(stages.value(QStringLiteral("ttfc")).toObject().value(QStringLiteral("p95")).toDouble(), 812.0);
        QVERIFY(r.value(QStringLiteral("threads_peak")).isDouble());
        QCOMPARE(r.value(QStringLiteral("threads_peak")).toInt(), 48);
        QCOMPARE(r.value(QStringLiteral("rss_peak_mb")).toDouble(), 412.25);
        QCOMPARE(r.value(QStringLiteral("loop_lag_p99_ms")).toDouble(), 3.5);
        const QJsonArray thresholds = r.value(QStringLiteral("thresholds")).toArray();
        QCOMPARE(thresholds.size(), 2);
        QCOMPARE(thresholds[0].toObject().value(QStringLiteral("expr")).toString(), QStringLiteral("p95(ttfc) < 1500ms"));
        QCOMPARE(thresholds[0].toObject().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(thresholds[1].toObject().value(QStringLiteral("ok")).toBool(), false); // 0.66% errors
        QVERIFY(thresholds[1].toObject().value(QStringLiteral("ok")).isBool());
        QCOMPARE(r.value(QStringLiteral("passed")).toBool(), false);
        QCOMPARE(r.value(QStringLiteral("scenario")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("s1"));
        // Round-trips through text as a file would.
        QCOMPARE(QJsonDocument::fromJson(QJsonDocument(r).toJson()).object(), r);
    }

    void timeseriesCsvHasARowPerSecond()
    {
        QList<TimeBucket> series;
        series << TimeBucket{.second = 0, .warmup = true, .completed = 3, .failed = 1, .cancelled = 0, .ttfcP95Ms = 812.25, .inFlight = 7}
               << TimeBucket{.second = 1, .warmup = false, .completed = 5, .failed = 0, .cancelled = 2, .ttfcP95Ms = 0, .inFlight = 4};
        QCOMPARE(timeseriesCsv(series), QStringLiteral("second,warmup,completed,failed,cancelled,in_flight,ttfc_p95_ms\n"
                                                       "0,1,3,1,0,7,812.3\n"
                                                       "1,0,5,0,2,4,0.0\n"));
    }

    void consoleSummaryShowsTheEssentials()
    {
        const RunSummary s = summary(812);
        const QString text = consoleSummary(scenario(), s, results(s));
        QVERIFY(text.contains(QStringLiteral("1800 completed, 12 failed, 3 cancelled")));
        QVERIFY(text.contains(QStringLiteral("throughput 30.0 req/s")));
        QVERIFY(text.contains(QStringLiteral("error timeout: 12")));
        QVERIFY(text.contains(QStringLiteral("PASS  p95(ttfc) < 1500ms")));
        QVERIFY(text.contains(QStringLiteral("FAIL  error_rate < 0.5%")));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("\\nttfc +406\\.0 +812\\.0 +1015\\.0"))));
    }

    void compareShowsDeltasPerMetric()
    {
        const RunSummary before = summary(812);
        RunSummary after = summary(640.5);
        after.throughputRps = 33;
        after.threadsPeak = 52;
        after.stages.remove(QStringLiteral("rerank"));
        after.errorsByKind.insert(QStringLiteral("http_503"), 2);
        const auto text = compareReports(reportJson(scenario(), before, {}), reportJson(scenario(), after, {}));
        QVERIFY2(text.ok(), qPrintable(text.ok() ? QString() : text.error()));
        const QStringList lines = text->split(QLatin1Char('\n'));
        QVERIFY2(lines.contains(QStringLiteral("ttfc p95: 812.0 ms -> 640.5 ms (-21.1%)")), qPrintable(*text));
        QVERIFY(lines.contains(QStringLiteral("throughput: 30.0 req/s -> 33.0 req/s (+10.0%)")));
        QVERIFY(lines.contains(QStringLiteral("e2e p99: 1015.0 ms -> 800.6 ms (-21.1%)")));
        QVERIFY(lines.contains(QStringLiteral("rerank p50: 406.0 ms -> -")));
        QVERIFY(lines.contains(QStringLiteral("errors http_503: 0 -> 2 (from about 0)")));
        QVERIFY(lines.contains(QStringLiteral("errors timeout: 12 -> 12 (+0.0%)")));
        QVERIFY(lines.contains(QStringLiteral("threads_peak: 48 -> 52 (+8.3%)")));
        QVERIFY(lines.contains(QStringLiteral("rss_peak_mb: 412.3 MB -> 412.3 MB (+0.0%)")));
        QVERIFY(text->contains(QStringLiteral("schedule_lag p95:")));
        QVERIFY(text->contains(QStringLiteral("failed: 12 -> 12 (+0.0%)")));
    }

    void compareRefusesAnotherSchema()
    {
        const RunSummary s = summary(812);
        QJsonObject old = reportJson(scenario(), s, {});
        old.insert(QStringLiteral("schema"), 0);
        const auto text = compareReports(old, reportJson(scenario(), s, {}));
        QVERIFY(!text.ok());
        QCOMPARE(text.error(), QStringLiteral("cannot compare reports of schema 0 and 1 (this version reads schema 1)"));
        QVERIFY(!compareReports(QJsonObject(), reportJson(scenario(), s, {})).ok());
    }
};

QTEST_GUILESS_MAIN(TestLoadtestReport)
#include "tst_loadtest_report.moc"
