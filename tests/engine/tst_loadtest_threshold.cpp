#include "loadtest/threshold.h"

#include <QTest>

using namespace rag::loadtest;

namespace {

RunSummary summaryWithTtfc(double p95)
{
    RunSummary s;
    StageSummary ttfc;
    ttfc.p50 = p95 / 2;
    ttfc.p90 = p95 * 0.9;
    ttfc.p95 = p95;
    ttfc.p99 = p95 * 1.5;
    ttfc.max = p95 * 2;
    ttfc.mean = p95 / 3;
    ttfc.count = 100;
    s.stages.insert(QStringLiteral("ttfc"), ttfc);
    return s;
}

Threshold parsed(const QString &expression)
{
    auto t = parseThreshold(expression);
    if (!t.ok())
        qFatal("%s", qPrintable(t.error()));
    return t.value();
}

} // namespace

class TestLoadtestThreshold : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesLatencyForms_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("statistic");
        QTest::addColumn<QString>("stage");
        QTest::addColumn<int>("comparison");
        QTest::addColumn<double>("limitMs");
        QTest::newRow("ms") << "p95(ttfc) < 1500ms" << "p95" << "ttfc" << int(Comparison::Less) << 1500.0;
        QTest::newRow("seconds") << "p99(e2e) <= 2.5s" << "p99" << "e2e" << int(Comparison::LessEqual) << 2500.0;
        QTest::newRow("no unit") << "max(schedule_lag)>=10" << "max" << "schedule_lag" << int(Comparison::GreaterEqual) << 10.0;
        QTest::newRow("spaces, case") << "  P50( Rerank ) > 0.5 MS " << "p50" << "rerank" << int(Comparison::Greater) << 0.5;
        QTest::newRow("mean") << "mean(first_token) < 400ms" << "mean" << "first_token" << int(Comparison::Less) << 400.0;
        QTest::newRow("p90") << "p90(admission) < 5ms" << "p90" << "admission" << int(Comparison::Less) << 5.0;
    }

    void parsesLatencyForms()
    {
        QFETCH(QString, expression);
        QFETCH(QString, statistic);
        QFETCH(QString, stage);
        QFETCH(int, comparison);
        QFETCH(double, limitMs);
        const Threshold t = parsed(expression);
        QCOMPARE(t.kind, Threshold::Kind::Latency);
        QCOMPARE(t.statistic, statistic);
        QCOMPARE(t.stage, stage);
        QCOMPARE(int(t.comparison), comparison);
        QCOMPARE(t.limit, limitMs);
        QCOMPARE(t.expression, expression.trimmed());
    }

    void everyStageIsAccepted()
    {
        for (const QString &stage : thresholdStages())
            QVERIFY2(parseThreshold(QStringLiteral("p95(%1) < 1s").arg(stage)).ok(), qPrintable(stage));
        QCOMPARE(thresholdStages().size(), 12);
    }

    void parsesErrorRateAndThroughput()
    {
        Threshold t = parsed(QStringLiteral("error_rate < 1%"));
        QCOMPARE(t.kind, Threshold::Kind::ErrorRate);
        QCOMPARE(t.limit, 0.01);
        QCOMPARE(parsed(QStringLiteral("error_rate <= 0.05")).limit, 0.05);
        t = parsed(QStringLiteral("throughput > 30 rps"));
        QCOMPARE(t.kind, Threshold::Kind::Throughput);
        QCOMPARE(t.limit, 30.0);
        QCOMPARE(t.comparison, Comparison::Greater);
        t = parsed(QStringLiteral("rps >= 12.5"));
        QCOMPARE(t.kind, Threshold::Kind::Throughput);
        QCOMPARE(t.limit, 12.5);
    }

    void refusesMistakesClearly_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        QTest::newRow("garbage") << "fast please" << "expected e.g.";
        QTest::newRow("no operator") << "p95(ttfc) 1500ms" << "expected e.g.";
        QTest::newRow("equals") << "p95(ttfc) == 1500ms" << "expected e.g.";
        QTest::newRow("no number") << "p95(ttfc) < ms" << "expected e.g.";
        QTest::newRow("unknown stage") << "p95(tfc) < 1s" << "unknown stage tfc";
        QTest::newRow("unknown statistic") << "p97(ttfc) < 1s" << "unknown statistic p97";
        QTest::newRow("missing stage") << "p95 < 1s" << "p95 needs a stage";
        QTest::newRow("bad unit") << "p95(ttfc) < 3min" << "the unit must be ms or s";
        QTest::newRow("error unit") << "error_rate < 1ms" << "error_rate takes a percentage";
        QTest::newRow("error over 100") << "error_rate < 150%" << "cannot exceed 100%";
        QTest::newRow("throughput unit") << "throughput > 3 ms" << "throughput is in rps";
        QTest::newRow("unknown metric") << "latency < 3" << "unknown metric latency";
    }

    void refusesMistakesClearly()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        const auto t = parseThreshold(expression);
        QVERIFY(!t.ok());
        QVERIFY2(t.error().contains(message), qPrintable(t.error()));
        QVERIFY2(t.error().contains(QStringLiteral("\"%1\"").arg(expression)), qPrintable(t.error()));
    }

    void holdsAtTheBoundary()
    {
        const RunSummary at = summaryWithTtfc(1500);
        QVERIFY(!parsed(QStringLiteral("p95(ttfc) < 1500ms")).holds(at));
        QVERIFY(parsed(QStringLiteral("p95(ttfc) <= 1500ms")).holds(at));
        QVERIFY(parsed(QStringLiteral("p95(ttfc) < 1.5001s")).holds(at));
        QVERIFY(!parsed(QStringLiteral("p95(ttfc) > 1500ms")).holds(at));
        QVERIFY(parsed(QStringLiteral("p95(ttfc) >= 1500ms")).holds(at));
        QCOMPARE(parsed(QStringLiteral("p99(ttfc) < 1s")).observed(at).value(), 2250.0);
        QCOMPARE(parsed(QStringLiteral("max(ttfc) < 1s")).observed(at).value(), 3000.0);
        QCOMPARE(parsed(QStringLiteral("mean(ttfc) < 1s")).observed(at).value(), 500.0);
        QCOMPARE(parsed(QStringLiteral("p50(ttfc) < 1s")).observed(at).value(), 750.0);
    }

    void anUnmeasuredStageDoesNotHold()
    {
        const RunSummary s = summaryWithTtfc(100);
        const Threshold t = parsed(QStringLiteral("p95(rerank) < 1s"));
        QVERIFY(!t.observed(s).has_value());
        QVERIFY(!t.holds(s));
    }

    void errorRateAndThroughputHold()
    {
        RunSummary s;
        s.errorRate = 0.01;
        s.throughputRps = 30;
        QVERIFY(!parsed(QStringLiteral("error_rate < 1%")).holds(s));
        QVERIFY(parsed(QStringLiteral("error_rate <= 1%")).holds(s));
        QVERIFY(!parsed(QStringLiteral("throughput > 30 rps")).holds(s));
        QVERIFY(parsed(QStringLiteral("rps >= 30")).holds(s));

        const QList<ThresholdResult> results = evaluateThresholds(
            {parsed(QStringLiteral("error_rate < 2%")), parsed(QStringLiteral("throughput > 31"))}, s);
        QCOMPARE(results.size(), 2);
        QVERIFY(results[0].ok);
        QCOMPARE(results[0].observed.value(), 0.01);
        QVERIFY(!results[1].ok);
        QCOMPARE(results[1].expression, QStringLiteral("throughput > 31"));
        QCOMPARE(results[1].observed.value(), 30.0);
    }
};

QTEST_GUILESS_MAIN(TestLoadtestThreshold)
#include "tst_loadtest_threshold.moc"
