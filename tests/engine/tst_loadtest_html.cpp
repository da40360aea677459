#include "loadtest/html_report.h"
#include "loadtest/report.h"
#include "loadtest/saturation.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace rag::loadtest;

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kStart = 5'000 * kMs; // the run's zero on the monotonic clock
const QString kChromium = QStringLiteral("/usr/bin/chromium");
// User input that would run as a script if a report forgot to escape it.
// A NaN or infinity printed where a number belongs (an attribute, a path, a cell).
const QRegularExpression kNotANumber(QStringLiteral("[\">,ML]-?(nan|inf)"), QRegularExpression::CaseInsensitiveOption);
const QString kHostileName = QStringLiteral("s1 <script>document.title=\"owned\"</script> & co");

RequestRecord request(double intendedMs, double ttfcMs, double e2eMs, bool ok = true)
{
    RequestRecord r;
    r.intendedStartNs = kStart + qint64(intendedMs * kMs);
    r.dispatchNs = r.intendedStartNs + 2 * kMs;
    r.firstChunkNs = ok ? r.dispatchNs + qint64(ttfcMs * kMs) : -1;
    r.endNs = r.dispatchNs + qint64(e2eMs * kMs);
    r.chunks = ok ? 16 : 0;
    r.ok = ok;
    r.errorKind = ok ? QString() : QStringLiteral("timeout");
    r.stageMs = {{QStringLiteral("embed"), 20}, {QStringLiteral("rerank"), 80}};
    return r;
}

// A 2 s warm-up and 6 measured seconds: 10 requests a second with a TTFC that grows over the
// run, and a failure every fourth second, so every chart has something to draw.
struct Run {
    QJsonObject report;
    QList<TimeBucket> series;
};

Run syntheticRun()
{
    const QList<Threshold> thresholds = {parseThreshold(QStringLiteral("p95(ttfc) < 1500ms")).value(),
                                         parseThreshold(QStringLiteral("error_rate < 1%")).value()};
    RunRecorder recorder(RecorderConfig{kStart, 2, 6, thresholds});
    for (int second = 0; second < 8; ++second) {
        for (int i = 0; i < 10; ++i)
            recorder.record(request(second * 1000 + i * 100, 200 + second * 50 + i * 5, 600 + i * 20));
        if (second % 4 == 1)
            recorder.record(request(second * 1000 + 50, 0, 300, false));
    }
    rag::metrics::RuntimeSample runtime;
    runtime.threads = 24;
    runtime.rssMb = 180.5;
    runtime.loopLagP99Ms.insert(QStringLiteral("engine"), 2.25);
    recorder.noteRuntime(runtime, kStart);
    const RunSummary summary = recorder.summary();
    const QJsonObject scenarioJson{{QStringLiteral("name"), kHostileName},
                                   {QStringLiteral("target"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("embedded")},
                                                                          {QStringLiteral("kb"), QStringLiteral("demo")}}},
                                   {QStringLiteral("load"), QJsonObject{{QStringLiteral("users"), 10},
                                                                        {QStringLiteral("warmup_s"), 2},
                                                                        {QStringLiteral("duration_s"), 6}}},
                                   {QStringLiteral("questions"), QJsonArray{QStringLiteral("q")}}};
    const Scenario scenario = parseScenario(QJsonDocument(scenarioJson).toJson(), QString()).value();
    // Three sweep steps, the last saturated, so the page also carries the sweep's table and plot.
    QList<SweepStep> steps;
    for (const double users : {1.0, 10.0, 100.0}) {
        RunSummary step = summary;
        step.stages[QStringLiteral("ttfc")].p95 = users < 100 ? 700 : 5000;
        step.throughputRps = std::min(users, 20.0);
        step.resources[QStringLiteral("pool:blocking")] = ResourceUse{users < 100 ? 0.2 : 1.0, 0, users < 100 ? 0.0 : 60.0, 70, 35, 4};
        steps << SweepStep{users, step};
    }
    return {reportJson(scenario, summary, evaluateThresholds(thresholds, summary), steps), recorder.timeSeries()};
}

// The markup of the element `<tag ... id="id" ...>` up to its closing tag (charts do not nest).
QString element(const QString &html, const QString &tag, const QString &id)
{
    const int start = html.indexOf(QRegularExpression(QStringLiteral("<%1[^>]*id=\"%2\"").arg(tag, id)));
    if (start < 0)
        return {};
    const int end = html.indexOf(QStringLiteral("</%1>").arg(tag), start);
    return end < 0 ? QString() : html.mid(start, end - start);
}

// Every series path in a chart is drawn: several points, all inside the SVG's viewBox.
void verifyChartDrawn(const QString &dom, const QString &id, int minPoints)
{
    const QString svg = element(dom, QStringLiteral("svg"), id);
    QVERIFY2(!svg.isEmpty(), qPrintable(id + QStringLiteral(" missing")));
    QVERIFY2(svg.startsWith(QStringLiteral("<svg class=\"chart\"")), qPrintable(svg.left(80)));
    const auto box = QRegularExpression(QStringLiteral("viewBox=\"0 0 ([\\d.]+) ([\\d.]+)\"")).match(svg);
    QVERIFY(box.hasMatch());
    const double width = box.captured(1).toDouble(), height = box.captured(2).toDouble();
    QVERIFY(svg.contains(QStringLiteral("time since start (s)"))); // x axis label with its unit
    QCOMPARE(svg.count(QStringLiteral("class=\"axis-label\"")), 2);
    QVERIFY(svg.count(QStringLiteral("class=\"tick\"")) >= 4);
    auto paths = QRegularExpression(QStringLiteral("<path class=\"series [^\"]+\" d=\"([^\"]*)\"")).globalMatch(svg);
    int drawn = 0;
    while (paths.hasNext()) {
        const QString d = paths.next().captured(1);
        auto points = QRegularExpression(QStringLiteral("[ML](-?[\\d.]+),(-?[\\d.]+)")).globalMatch(d);
        int n = 0;
        while (points.hasNext()) {
            const auto p = points.next();
            const double x = p.captured(1).toDouble(), y = p.captured(2).toDouble();
            QVERIFY2(x >= 0 && x <= width && y >= 0 && y <= height, qPrintable(id + QStringLiteral(": ") + d));
            ++n;
        }
        QVERIFY2(n >= minPoints, qPrintable(id + QStringLiteral(": ") + d));
        ++drawn;
    }
    QVERIFY2(drawn >= 1, qPrintable(id + QStringLiteral(": no series")));
}

} // namespace

class TestLoadtestHtml : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void isOneOfflineFileWithEscapedText()
    {
        const Run run = syntheticRun();
        const QString html = htmlReport(run.report, run.series);
        QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
        // Nothing fetched, nothing executed: the file is the whole report.
        for (const QString &external : {QStringLiteral("<script"), QStringLiteral("<link"), QStringLiteral("src="),
                                        QStringLiteral("url("), QStringLiteral("@import"), QStringLiteral("http:"), QStringLiteral("https:")})
            QVERIFY2(!html.contains(external, Qt::CaseInsensitive), qPrintable(external));
        QVERIFY(html.contains(QStringLiteral("s1 &lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt; &amp; co")));
        QVERIFY(!html.contains(kNotANumber));
    }

    void anEmptyRunStillRenders()
    {
        const QString html = htmlReport(QJsonObject{{QStringLiteral("name"), QStringLiteral("empty")}}, {});
        for (const QString &id : {QStringLiteral("chart-throughput"), QStringLiteral("chart-ttfc"), QStringLiteral("chart-inflight")})
            QVERIFY(!element(html, QStringLiteral("svg"), id).isEmpty());
        QVERIFY(!html.contains(kNotANumber));
        QVERIFY(html.contains(QStringLiteral("No thresholds were set.")));
    }

    void rendersInChromium()
    {
        if (!QFile::exists(kChromium)) {
            if (qEnvironmentVariable("RAGDESK_ALLOW_NO_BROWSER") == QLatin1String("1"))
                QSKIP("/usr/bin/chromium is missing (RAGDESK_ALLOW_NO_BROWSER=1): report.html not checked in a browser");
            QFAIL("/usr/bin/chromium is missing: run packaging/install-deps.sh, or set RAGDESK_ALLOW_NO_BROWSER=1 to skip");
        }
        const Run run = syntheticRun();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("report.html")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.write(htmlReport(run.report, run.series).toUtf8()) > 0);
        file.close();

        // A fresh profile and config dirs: nothing leaks between runs or into $HOME. The
        // background-networking flags keep chromium from dialling out (the network is closed).
        QProcess browser;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
        browser.setProcessEnvironment(env);
        browser.start(kChromium, {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                                  QStringLiteral("--disable-quic"), QStringLiteral("--no-first-run"),
                                  QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
                                  QStringLiteral("--disable-sync"), QStringLiteral("--user-data-dir=") + dir.filePath(QStringLiteral("profile")),
                                  QStringLiteral("--enable-logging=stderr"), QStringLiteral("--v=0"), QStringLiteral("--dump-dom"),
                                  QUrl::fromLocalFile(file.fileName()).toString()});
        QVERIFY2(browser.waitForStarted(30'000), qPrintable(browser.errorString()));
        if (!browser.waitForFinished(120'000)) {
            browser.kill();
            browser.waitForFinished(10'000);
            QFAIL("chromium did not finish within 120 s");
        }
        const QString dom = QString::fromUtf8(browser.readAllStandardOutput());
        const QString log = QString::fromUtf8(browser.readAllStandardError());
        QVERIFY2(browser.exitStatus() == QProcess::NormalExit && browser.exitCode() == 0, qPrintable(log.right(2000)));

        // Console output (script errors, CSP violations such as a blocked script) means a bug.
        for (const QString &line : log.split(QLatin1Char('\n'))) {
            QVERIFY2(!line.contains(QStringLiteral("CONSOLE")) && !line.contains(QStringLiteral("Uncaught")), qPrintable(line));
        }

        // The parsed page holds the charts, drawn, with the warm-up (0..2 s) shaded.
        verifyChartDrawn(dom, QStringLiteral("chart-throughput"), 8);
        verifyChartDrawn(dom, QStringLiteral("chart-ttfc"), 8);
        verifyChartDrawn(dom, QStringLiteral("chart-inflight"), 8);
        const QString throughput = element(dom, QStringLiteral("svg"), QStringLiteral("chart-throughput"));
        QVERIFY(throughput.contains(QRegularExpression(QStringLiteral("<rect class=\"warmup\" x=\"[\\d.]+\" y=\"[\\d.]+\" width=\"[1-9]"))));
        QVERIFY(throughput.contains(QStringLiteral("class=\"series completed\"")));
        QVERIFY(throughput.contains(QStringLiteral("class=\"series failed\"")));
        QVERIFY(throughput.contains(QStringLiteral("requests per second (req/s)")));
        QVERIFY(element(dom, QStringLiteral("svg"), QStringLiteral("chart-ttfc")).contains(QStringLiteral("TTFC p95 (ms)")));
        // The sweep: a row and a plotted point per step in both panels, and the saturation hint.
        const QString sweep = element(dom, QStringLiteral("svg"), QStringLiteral("chart-sweep"));
        QCOMPARE(sweep.count(QStringLiteral("<circle")), 6);
        QCOMPARE(sweep.count(QStringLiteral("class=\"curve\"")), 2);
        QCOMPARE(dom.count(QStringLiteral("<tr class=\"step\">")), 3);
        QVERIFY(dom.contains(QRegularExpression(QStringLiteral("<p id=\"saturation\" data-resource=\"pool:blocking\">TTFC p95 started to grow with the load at 100 users"))));

        // Verdict: a failure every fourth second breaks "error_rate < 1%".
        QVERIFY(dom.contains(QStringLiteral("<p id=\"verdict\" class=\"fail\">FAIL</p>")));
        QVERIFY(dom.contains(QRegularExpression(QStringLiteral("<tr class=\"threshold pass\"><td>p95\\(ttfc\\) &lt; 1500ms</td>.*PASS</td></tr>"))));
        QVERIFY(dom.contains(QRegularExpression(QStringLiteral("<tr class=\"threshold fail\"><td>error_rate &lt; 1%</td>.*FAIL</td></tr>"))));
        // Counts and rates as in report.json.
        const QJsonObject requests = run.report.value(QStringLiteral("requests")).toObject();
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"completed\">%1</dd>").arg(requests.value(QStringLiteral("completed")).toInteger())));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"failed\">%1</dd>").arg(requests.value(QStringLiteral("failed")).toInteger())));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"throughput\">%1 req/s</dd>")
                                 .arg(QString::number(run.report.value(QStringLiteral("throughput_rps")).toDouble(), 'f', 1))));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"goodput\">")));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"threads-peak\">24</dd>")));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"rss-peak\">180.5 MB</dd>")));
        QVERIFY(dom.contains(QStringLiteral("<dd id=\"loop-lag\">2.3 ms</dd>")));
        // A row per stage with p50/p95/p99/max from the report.
        const QJsonObject stages = run.report.value(QStringLiteral("stages")).toObject();
        for (const QString &stage : {QStringLiteral("ttfc"), QStringLiteral("e2e"), QStringLiteral("schedule_lag"),
                                     QStringLiteral("embed"), QStringLiteral("rerank")}) {
            const QJsonObject st = stages.value(stage).toObject();
            QString row = QStringLiteral("<tr class=\"stage\" data-stage=\"%1\"><th>%1</th>").arg(stage);
            for (const QString &stat : {QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99"), QStringLiteral("max")})
                row += QStringLiteral("<td class=\"n\">%1</td>").arg(QString::number(st.value(stat).toDouble(), 'f', 1));
            QVERIFY2(dom.contains(row), qPrintable(row));
        }

        // The hostile name is text, not markup: no script element, the title untouched.
        QVERIFY(!dom.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
        QVERIFY(dom.contains(QStringLiteral("<title>Load test s1 &lt;script&gt;document.title=\"owned\"&lt;/script&gt; &amp; co</title>")));
        QVERIFY(dom.contains(QStringLiteral("<span id=\"run-name\">s1 &lt;script&gt;document.title=\"owned\"&lt;/script&gt; &amp; co</span>")));
    }
};

QTEST_GUILESS_MAIN(TestLoadtestHtml)
#include "tst_loadtest_html.moc"
