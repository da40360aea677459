#include "loadtest/report.h"
#include "loadtest/saturation.h"
#include "loadtest/sweep_chart.h"
#include "loadtest/sweep_report.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace rag::loadtest;

namespace {

RunSummary summaryWith(double ttfcP95, double throughput)
{
    RunSummary s;
    s.stages[QStringLiteral("ttfc")].p95 = ttfcP95;
    s.stages[QStringLiteral("ttfc")].count = 100;
    s.throughputRps = throughput;
    s.completed = 100;
    s.cores = 2;
    return s;
}

ResourceUse use(double busy, double queued, int capacity)
{
    ResourceUse u;
    u.busyMean = busy;
    u.busyPeak = busy;
    u.queuedMean = queued;
    u.queuedPeak = int(queued * 2);
    u.capacity = capacity;
    u.samples = 10;
    return u;
}

// A closed sweep whose blocking pool fills at 50 users: flat TTFC, then TTFC tracking users.
QList<SweepStep> blockingSweep()
{
    QList<SweepStep> steps;
    const QList<QPair<double, double>> points = {{1, 700}, {10, 720}, {50, 1600}, {100, 3300}};
    for (const auto &[users, ttfc] : points) {
        SweepStep step{users, summaryWith(ttfc, users < 50 ? users / 2 : 17)};
        step.summary.resources.insert(QStringLiteral("pool:blocking"), use(users >= 35 ? 1.0 : users / 35, users > 35 ? users - 35 : 0, 35));
        step.summary.resources.insert(QStringLiteral("http:loadtest-rerank"), use(0.3, 0, 1024));
        steps << step;
    }
    return steps;
}

} // namespace

class TestLoadtestSaturation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idleRunHasNothingSaturated()
    {
        RunSummary s = summaryWith(700, 10);
        s.resources.insert(QStringLiteral("pool:cpu"), use(0.4, 0, 2));
        s.resources.insert(QStringLiteral("loop:engine"), use(0.1, 0, 1));
        s.cpuCores = 0.5;
        s.machineCpuBusy = 0.4;
        QVERIFY(saturatedResource(s).name.isEmpty());
        QVERIFY(singleRunHint(s).text.contains(QLatin1String("nothing in this process was saturated")));
    }

    void fullPoolWithAQueueIsNamed()
    {
        RunSummary s = summaryWith(1600, 17);
        s.resources.insert(QStringLiteral("pool:blocking"), use(1.0, 15, 35));
        s.resources.insert(QStringLiteral("pool:cpu"), use(0.95, 0, 2)); // full, but nothing waits
        const SaturatedResource r = saturatedResource(s);
        QCOMPARE(r.name, QStringLiteral("pool:blocking"));
        QVERIFY2(r.evidence.contains(QLatin1String("100% busy of 35")), qPrintable(r.evidence));
        QVERIFY2(r.evidence.contains(QLatin1String("15.0 waiting")), qPrintable(r.evidence));
        QVERIFY2(r.evidence.contains(QLatin1String("also pool:cpu")), qPrintable(r.evidence));
    }

    void providerQueueAndLaggingLoopAndCpu()
    {
        RunSummary http = summaryWith(900, 20);
        http.resources.insert(QStringLiteral("http:loadtest-rerank"), use(1.0, 40, 32));
        QCOMPARE(saturatedResource(http).name, QStringLiteral("http:loadtest-rerank"));

        RunSummary loop = summaryWith(900, 20);
        loop.resources.insert(QStringLiteral("loop:engine"), use(0.7, 0, 1));
        QCOMPARE(saturatedResource(loop).name, QStringLiteral("loop:engine"));

        RunSummary cpu = summaryWith(900, 20);
        cpu.cpuCores = 1.9;
        QCOMPARE(saturatedResource(cpu).name, QStringLiteral("cpu"));

        RunSummary machine = summaryWith(900, 20);
        machine.cpuCores = 0.8;
        machine.machineCpuBusy = 0.97; // the cores were full with another process's work
        const SaturatedResource m = saturatedResource(machine);
        QCOMPARE(m.name, QStringLiteral("machine_cpu"));
        QVERIFY(m.evidence.contains(QLatin1String("97% busy")));
    }

    void kneeIsWhereTtfcStartsTrackingLoad()
    {
        const SaturationHint hint = findSaturation(blockingSweep(), QStringLiteral("users"));
        QVERIFY(hint.found);
        QCOMPARE(hint.atLoad, 50.0);
        QCOMPARE(hint.previousLoad, 10.0);
        QCOMPARE(hint.ttfcP95Ms, 1600.0);
        QCOMPARE(hint.resource.name, QStringLiteral("pool:blocking"));
        QVERIFY2(hint.text.contains(QLatin1String("at 50 users")), qPrintable(hint.text));
    }

    void noiseIsNoKnee()
    {
        // +25% from 10 to 20 users is steep enough, but still within 30% of the floor.
        QList<SweepStep> steps{{1, summaryWith(700, 1)}, {10, summaryWith(680, 10)}, {20, summaryWith(875, 20)}};
        QVERIFY(!findSaturation(steps, QStringLiteral("users")).found);
        steps << SweepStep{40, summaryWith(1100, 30)};
        QCOMPARE(findSaturation(steps, QStringLiteral("users")).atLoad, 40.0);
    }

    void flatSweepHasNoKnee()
    {
        QList<SweepStep> steps;
        for (const double users : {1.0, 10.0, 100.0, 1000.0})
            steps << SweepStep{users, summaryWith(700 + users / 10, users / 12)}; // +14% over 1000x
        const SaturationHint hint = findSaturation(steps, QStringLiteral("users"));
        QVERIFY(!hint.found);
        QVERIFY2(hint.text.contains(QLatin1String("did not grow with the load up to 1000 users")), qPrintable(hint.text));
    }

    void openModelKneeInRequestsPerSecond()
    {
        QList<SweepStep> steps;
        const QList<QPair<double, double>> points = {{25, 700}, {50, 710}, {100, 760}, {200, 9000}};
        for (const auto &[rate, ttfc] : points)
            steps << SweepStep{rate, summaryWith(ttfc, std::min(rate, 120.0))};
        steps.last().summary.resources.insert(QStringLiteral("admission"), use(0, 300, 0));
        const SaturationHint hint = findSaturation(steps, QStringLiteral("rps"));
        QVERIFY(hint.found);
        QCOMPARE(hint.atLoad, 200.0);
        QCOMPARE(hint.resource.name, QStringLiteral("admission"));
        QVERIFY(hint.text.contains(QLatin1String("200 req/s")));
    }

    void sweepReportTableAndPlot()
    {
        Scenario scenario;
        scenario.name = QStringLiteral("s2-blocking");
        scenario.load.sweep = {1, 10, 50, 100};
        const QList<SweepStep> steps = blockingSweep();
        const QJsonObject report = reportJson(scenario, summaryWith(1000, 15), {}, steps);
        const QJsonObject sweep = report.value(QStringLiteral("sweep")).toObject();
        QCOMPARE(sweep.value(QStringLiteral("unit")).toString(), QStringLiteral("users"));
        const QJsonArray rows = sweep.value(QStringLiteral("steps")).toArray();
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows.at(2)[QStringLiteral("ttfc")][QStringLiteral("p95")].toDouble(), 1600.0);
        QCOMPARE(rows.at(3)[QStringLiteral("saturated")].toString(), QStringLiteral("pool:blocking"));
        QCOMPARE(rows.at(0)[QStringLiteral("saturated")].toString(), QString());
        const QJsonObject saturation = report.value(QStringLiteral("saturation")).toObject();
        QCOMPARE(saturation.value(QStringLiteral("at_load")).toDouble(), 50.0);
        QCOMPARE(saturation.value(QStringLiteral("resource")).toString(), QStringLiteral("pool:blocking"));

        const QString console = consoleSummary(scenario, summaryWith(1000, 15), {}, report);
        QVERIFY2(console.contains(QRegularExpression(QStringLiteral("\\n\\s+50\\s+17\\.0\\s+\\d+\\s+1600 "))), qPrintable(console));
        QVERIFY(console.contains(QLatin1String("started to grow with the load at 50 users")));

        // The plot: both panels, one curve each with a point per step, on a log axis (1..100).
        const QString svg = sweepSvg({sweepCurve(report), sweepCurve(report, QStringLiteral("other"))});
        QVERIFY(svg.startsWith(QLatin1String("<svg xmlns=")));
        QCOMPARE(svg.count(QLatin1String("<g class=\"panel\"")), 2);
        QCOMPARE(svg.count(QLatin1String("class=\"curve\"")), 4);
        QCOMPARE(svg.count(QLatin1String("<circle")), 16);
        QVERIFY(svg.contains(QLatin1String("users, log scale")));
        QVERIFY(svg.contains(QLatin1String(">s2-blocking<")));
        QVERIFY(!svg.contains(QLatin1String("nan")));
    }

    void singleRunReportHasAHintButNoSweep()
    {
        Scenario scenario;
        scenario.name = QStringLiteral("one");
        RunSummary s = summaryWith(800, 20);
        s.resources.insert(QStringLiteral("http:loadtest-chat"), use(1.0, 12, 32));
        const QJsonObject report = reportJson(scenario, s, {});
        QVERIFY(!report.contains(QStringLiteral("sweep")));
        QCOMPARE(report[QStringLiteral("saturation")][QStringLiteral("resource")].toString(), QStringLiteral("http:loadtest-chat"));
        QCOMPARE(report[QStringLiteral("saturation")][QStringLiteral("found")].toBool(), false);
        QCOMPARE(report[QStringLiteral("resources")][QStringLiteral("http:loadtest-chat")][QStringLiteral("capacity")].toInt(), 32);
        QVERIFY(report[QStringLiteral("cpu")].toObject().contains(QStringLiteral("ms_per_request")));
    }
};

QTEST_GUILESS_MAIN(TestLoadtestSaturation)
#include "tst_loadtest_saturation.moc"
