#include "loadtest/html_report.h"

#include "loadtest/chart_ticks.h"
#include "loadtest/sweep_chart.h"

#include <QJsonArray>
#include <QPointF>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rag::loadtest {

namespace {

// Chart geometry in SVG user units; the viewBox scales it to the page's width.
constexpr double kWidth = 760, kHeight = 260;
constexpr double kLeft = 64, kRight = 16, kTop = 30, kBottom = 44;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr double kGap = std::numeric_limits<double>::quiet_NaN(); // a second without a value

QString esc(const QString &s) { return s.toHtmlEscaped(); }
QString num(double v, int decimals = 1) { return QString::number(v, 'f', decimals); }

struct Series {
    QString cssClass; // colours the line (CSS below) and lets tests find it
    QString label;
    QList<QPointF> points; // x in seconds since the start; a NaN y breaks the line
};

struct Chart {
    QString id, title, yLabel;
    QList<Series> series;
    double xMax = 1;                      // seconds
    QList<QPair<double, double>> shaded;  // warm-up intervals, seconds
    bool counts = false;                  // whole numbers: no 0.5 ticks on a request count
};

// An SVG path through the points; a NaN breaks the line, and a lone point is drawn as a round
// dot (a tiny segment with round caps) so an isolated second still shows.
QString pathData(const QList<QPointF> &points, double xScale, double yTop)
{
    QString d;
    int run = 0;
    for (const QPointF &p : points) {
        if (std::isnan(p.y())) {
            if (run == 1)
                d += QStringLiteral("h0.1 ");
            run = 0;
            continue;
        }
        const double x = kLeft + p.x() * xScale;
        const double y = kTop + kPlotH - p.y() / yTop * kPlotH;
        d += QStringLiteral("%1%2,%3 ").arg(run == 0 ? QLatin1Char('M') : QLatin1Char('L')).arg(num(x), num(y));
        ++run;
    }
    if (run == 1)
        d += QStringLiteral("h0.1");
    return d.trimmed();
}

QString svgChart(const Chart &c)
{
    double yMax = 0;
    for (const Series &s : c.series) {
        for (const QPointF &p : s.points) {
            if (!std::isnan(p.y()))
                yMax = std::max(yMax, p.y());
        }
    }
    const double yStep = c.counts ? std::max(1.0, niceStep(std::max(yMax, 1.0), 4)) : niceStep(std::max(yMax, 1.0), 4);
    const double yTop = std::ceil(std::max(yMax, 1.0) / yStep) * yStep;
    const double xMax = std::max(c.xMax, 1.0);
    const double xScale = kPlotW / xMax;
    const double xStep = std::max(1.0, niceStep(xMax, 8)); // whole seconds: the buckets' grain

    QString s = QStringLiteral("<figure><figcaption>%1</figcaption>\n").arg(c.title);
    s += QStringLiteral("<svg class=\"chart\" id=\"%1\" viewBox=\"0 0 %2 %3\" role=\"img\" aria-label=\"%4\">\n")
             .arg(c.id, num(kWidth, 0), num(kHeight, 0), c.title);
    for (const auto &[from, to] : c.shaded)
        s += QStringLiteral("<rect class=\"warmup\" x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\"><title>warm-up, "
                            "excluded from the statistics</title></rect>\n")
                 .arg(num(kLeft + from * xScale), num(kTop), num((to - from) * xScale), num(kPlotH));
    for (int i = 0; i * yStep <= yTop + yStep / 2; ++i) {
        const double y = kTop + kPlotH - i * yStep / yTop * kPlotH;
        s += QStringLiteral("<line class=\"grid\" x1=\"%1\" x2=\"%2\" y1=\"%3\" y2=\"%3\"/>"
                            "<text class=\"tick\" x=\"%4\" y=\"%5\" text-anchor=\"end\">%6</text>\n")
                 .arg(num(kLeft), num(kLeft + kPlotW), num(y), num(kLeft - 6), num(y + 4), QString::number(i * yStep, 'g', 6));
    }
    for (int i = 0; i * xStep <= xMax + 1e-9; ++i) {
        const double x = kLeft + i * xStep * xScale;
        s += QStringLiteral("<line class=\"tick-mark\" x1=\"%1\" x2=\"%1\" y1=\"%2\" y2=\"%3\"/>"
                            "<text class=\"tick\" x=\"%1\" y=\"%4\" text-anchor=\"middle\">%5</text>\n")
                 .arg(num(x), num(kTop + kPlotH), num(kTop + kPlotH + 5), num(kTop + kPlotH + 18), QString::number(i * xStep, 'g', 6));
    }
    s += QStringLiteral("<path class=\"axis\" d=\"M%1,%2 V%3 H%4\"/>\n").arg(num(kLeft), num(kTop), num(kTop + kPlotH), num(kLeft + kPlotW));
    s += QStringLiteral("<text class=\"axis-label\" x=\"%1\" y=\"%2\" text-anchor=\"middle\">time since start (s)</text>\n")
             .arg(num(kLeft + kPlotW / 2), num(kHeight - 6));
    s += QStringLiteral("<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"%1\" y=\"16\" text-anchor=\"middle\">%2</text>\n")
             .arg(num(-(kTop + kPlotH / 2)), c.yLabel);
    double legendX = kLeft;
    for (const Series &series : c.series) {
        s += QStringLiteral("<path class=\"series %1\" d=\"%2\"><title>%3</title></path>\n")
                 .arg(series.cssClass, pathData(series.points, xScale, yTop), series.label);
        s += QStringLiteral("<rect class=\"swatch %1\" x=\"%2\" y=\"8\" width=\"12\" height=\"12\"/>"
                            "<text class=\"legend\" x=\"%3\" y=\"18\">%4</text>\n")
                 .arg(series.cssClass, num(legendX), num(legendX + 16), series.label);
        legendX += 40 + 7 * series.label.size();
    }
    if (!c.shaded.isEmpty())
        s += QStringLiteral("<rect class=\"swatch warmup\" x=\"%1\" y=\"8\" width=\"12\" height=\"12\"/>"
                            "<text class=\"legend\" x=\"%2\" y=\"18\">warm-up</text>\n")
                 .arg(num(legendX), num(legendX + 16));
    return s + QStringLiteral("</svg></figure>\n");
}

// The three charts of the time series. Per-second counts sit mid-second; "in flight" is
// measured at each second's end, starting from an empty system at 0 s.
QList<Chart> charts(const QList<TimeBucket> &buckets)
{
    Series completed{QStringLiteral("completed"), QStringLiteral("completed"), {}};
    Series failed{QStringLiteral("failed"), QStringLiteral("failed"), {}};
    Series ttfc{QStringLiteral("ttfc"), QStringLiteral("TTFC p95"), {}};
    Series inFlight{QStringLiteral("inflight"), QStringLiteral("in flight"), {QPointF(0, 0)}};
    QList<QPair<double, double>> warmup;
    double xMax = 1;
    for (const TimeBucket &b : buckets) {
        const double mid = b.second + 0.5;
        completed.points << QPointF(mid, double(b.completed));
        failed.points << QPointF(mid, double(b.failed));
        ttfc.points << QPointF(mid, b.ttfcP95Ms > 0 ? b.ttfcP95Ms : kGap); // 0: no chunk that second
        inFlight.points << QPointF(b.second + 1, double(b.inFlight));
        xMax = std::max(xMax, b.second + 1.0);
        if (b.warmup) {
            if (!warmup.isEmpty() && warmup.last().second == b.second)
                warmup.last().second = b.second + 1;
            else
                warmup.append({double(b.second), b.second + 1.0});
        }
    }
    return {Chart{QStringLiteral("chart-throughput"), QStringLiteral("Completed and failed requests per second (warm-up shaded)"),
                  QStringLiteral("requests per second (req/s)"), {completed, failed}, xMax, warmup, true},
            Chart{QStringLiteral("chart-ttfc"), QStringLiteral("Time to first chunk, p95 of the requests ending each second"),
                  QStringLiteral("TTFC p95 (ms)"), {ttfc}, xMax, warmup},
            Chart{QStringLiteral("chart-inflight"), QStringLiteral("Requests in flight at the end of each second"),
                  QStringLiteral("requests in flight"), {inFlight}, xMax, warmup, true}};
}

constexpr char kStyle[] = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 820px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.meta { color: #666; margin-top: 0; }
#verdict { display: inline-block; font-weight: bold; font-size: 1.3em; padding: 0.2em 0.8em; border-radius: 4px; color: #fff; }
#verdict.pass, td.pass { background: #2e7d32; color: #fff; } #verdict.fail, td.fail { background: #c62828; color: #fff; }
table { border-collapse: collapse; margin: 0.6em 0; } th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } th { text-align: left; }
dl { display: grid; grid-template-columns: max-content max-content; gap: 0.2em 1.2em; } dt { color: #555; } dd { margin: 0; font-weight: 600; }
figure { margin: 1.2em 0; } figcaption { font-weight: 600; margin-bottom: 0.3em; }
svg.chart { width: 100%; height: auto; background: #fff; font-size: 11px; }
.grid { stroke: #eee; } .tick-mark, .axis { stroke: #555; fill: none; } .tick { fill: #555; } .axis-label { fill: #333; font-size: 12px; }
.series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.series.completed { stroke: #1565c0; } .series.failed { stroke: #c62828; } .series.ttfc { stroke: #6a1b9a; } .series.inflight { stroke: #ef6c00; }
.swatch.completed { fill: #1565c0; } .swatch.failed { fill: #c62828; } .swatch.ttfc { fill: #6a1b9a; } .swatch.inflight { fill: #ef6c00; }
rect.warmup { fill: #9e9e9e; fill-opacity: 0.18; } .legend { fill: #333; }
)";

QString thresholdRows(const QJsonArray &thresholds)
{
    QString rows;
    for (const QJsonValue &v : thresholds) {
        const QJsonObject t = v.toObject();
        const bool ok = t.value(QStringLiteral("ok")).toBool();
        const QJsonValue observed = t.value(QStringLiteral("observed"));
        rows += QStringLiteral("<tr class=\"threshold %1\"><td>%2</td><td class=\"n\">%3</td><td class=\"%1\">%4</td></tr>\n")
                    .arg(ok ? QStringLiteral("pass") : QStringLiteral("fail"), esc(t.value(QStringLiteral("expr")).toString()),
                         observed.isDouble() ? QString::number(observed.toDouble(), 'g', 6) : QStringLiteral("nothing"),
                         ok ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
    }
    return rows;
}

// The request-level stages first (what a user feels), then the pipeline's in name order.
QString stageRows(const QJsonObject &stages)
{
    QStringList names = {QStringLiteral("ttfc"), QStringLiteral("e2e"), QStringLiteral("schedule_lag")};
    names.removeIf([&](const QString &n) { return !stages.contains(n); });
    for (const QString &name : stages.keys()) {
        if (!names.contains(name))
            names << name;
    }
    QString rows;
    for (const QString &name : names) {
        const QJsonObject st = stages.value(name).toObject();
        rows += QStringLiteral("<tr class=\"stage\" data-stage=\"%1\"><th>%1</th>").arg(esc(name));
        for (const QString &stat : {QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99"), QStringLiteral("max")})
            rows += QStringLiteral("<td class=\"n\">%1</td>").arg(num(st.value(stat).toDouble()));
        rows += QStringLiteral("<td class=\"n\">%1</td></tr>\n").arg(qint64(st.value(QStringLiteral("count")).toDouble()));
    }
    return rows;
}

} // namespace

QString htmlReport(const QJsonObject &report, const QList<TimeBucket> &series)
{
    const QString name = esc(report.value(QStringLiteral("name")).toString());
    const QJsonObject requests = report.value(QStringLiteral("requests")).toObject();
    auto count = [&](const char *key) { return qint64(requests.value(QLatin1String(key)).toDouble()); };
    const QJsonArray thresholds = report.value(QStringLiteral("thresholds")).toArray();
    const bool passed = report.value(QStringLiteral("passed")).toBool();
    const QString startedAt = report.value(QStringLiteral("started_at")).toString();

    QString h = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                               // Offline by construction: no script runs and nothing is fetched.
                               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                               "<title>Load test %1</title>\n<style>%2</style></head>\n<body>\n")
                    .arg(name, QString::fromUtf8(kStyle));
    h += QStringLiteral("<h1>Load test <span id=\"run-name\">%1</span></h1>\n<p class=\"meta\">%2%3 s measured</p>\n")
             .arg(name, startedAt.isEmpty() ? QString() : QStringLiteral("started %1, ").arg(esc(startedAt)),
                  num(report.value(QStringLiteral("duration_s")).toDouble()));

    h += QStringLiteral("<h2>Verdict</h2>\n<p id=\"verdict\" class=\"%1\">%2</p>\n")
             .arg(passed ? QStringLiteral("pass") : QStringLiteral("fail"), passed ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
    if (thresholds.isEmpty())
        h += QStringLiteral("<p>No thresholds were set.</p>\n");
    else
        h += QStringLiteral("<table id=\"thresholds\"><thead><tr><th>threshold</th><th>observed</th><th>verdict</th></tr></thead>\n"
                            "<tbody>\n%1</tbody></table>\n").arg(thresholdRows(thresholds));

    h += QStringLiteral("<h2>Requests</h2>\n<dl id=\"requests\">\n"
                        "<dt>completed</dt><dd id=\"completed\">%1</dd><dt>failed</dt><dd id=\"failed\">%2</dd>\n"
                        "<dt>cancelled</dt><dd id=\"cancelled\">%3</dd><dt>in warm-up (excluded)</dt><dd id=\"warmup\">%4</dd>\n"
                        "<dt>throughput</dt><dd id=\"throughput\">%5 req/s</dd><dt>goodput</dt><dd id=\"goodput\">%6 req/s</dd>\n"
                        "<dt>error rate</dt><dd id=\"error-rate\">%7%</dd>\n")
             .arg(count("completed")).arg(count("failed")).arg(count("cancelled")).arg(count("warmup"))
             .arg(num(report.value(QStringLiteral("throughput_rps")).toDouble()),
                  num(report.value(QStringLiteral("goodput_rps")).toDouble()),
                  num(report.value(QStringLiteral("error_rate")).toDouble() * 100, 2));
    const QJsonObject errors = report.value(QStringLiteral("errors_by_kind")).toObject();
    for (auto it = errors.constBegin(); it != errors.constEnd(); ++it)
        h += QStringLiteral("<dt>error %1</dt><dd class=\"error-kind\">%2</dd>\n").arg(esc(it.key()), QString::number(qint64(it.value().toDouble())));
    h += QStringLiteral("</dl>\n");

    h += QStringLiteral("<h2>Stages</h2>\n<table id=\"stages\"><thead><tr><th>stage (ms)</th><th>p50</th><th>p95</th><th>p99</th>"
                        "<th>max</th><th>count</th></tr></thead>\n<tbody>\n%1</tbody></table>\n")
             .arg(stageRows(report.value(QStringLiteral("stages")).toObject()));

    h += QStringLiteral("<h2>Runtime peaks</h2>\n<dl id=\"runtime\">\n<dt>threads peak</dt><dd id=\"threads-peak\">%1</dd>\n"
                        "<dt>RSS peak</dt><dd id=\"rss-peak\">%2 MB</dd>\n<dt>anonymous memory peak (RSS without mapped files)</dt>"
                        "<dd id=\"anon-peak\">%3 MB</dd>\n<dt>loop lag p99 (worst sample)</dt><dd id=\"loop-lag\">%4 ms</dd>\n</dl>\n")
             .arg(report.value(QStringLiteral("threads_peak")).toInt())
             .arg(num(report.value(QStringLiteral("rss_peak_mb")).toDouble()), num(report.value(QStringLiteral("anon_peak_mb")).toDouble()),
                  num(report.value(QStringLiteral("loop_lag_p99_ms")).toDouble()));

    const QJsonObject saturation = report.value(QStringLiteral("saturation")).toObject();
    h += QStringLiteral("<h2>Saturation</h2>\n<p id=\"saturation\" data-resource=\"%1\">%2</p>\n")
             .arg(esc(saturation.value(QStringLiteral("resource")).toString()), esc(saturation.value(QStringLiteral("text")).toString()));
    const QJsonObject cpu = report.value(QStringLiteral("cpu")).toObject();
    h += QStringLiteral("<p id=\"cpu\">CPU: %1 ms per request, %2 of %3 cores; the machine was %4% busy.</p>\n")
             .arg(num(cpu.value(QStringLiteral("ms_per_request")).toDouble(), 2), num(cpu.value(QStringLiteral("cores_used")).toDouble(), 2))
             .arg(cpu.value(QStringLiteral("cores")).toInt())
             .arg(num(cpu.value(QStringLiteral("machine_busy")).toDouble() * 100, 0));
    if (report.contains(QStringLiteral("sweep"))) {
        h += QStringLiteral("<h2>Sweep</h2>\n<table id=\"sweep\"><thead><tr><th>load</th><th>req/s</th><th>TTFC p50</th><th>TTFC p95</th>"
                            "<th>TTFC p99</th><th>e2e p95</th><th>failed</th><th>threads</th><th>CPU ms/request</th><th>saturated</th>"
                            "</tr></thead>\n<tbody>\n");
        for (const QJsonValue &v : report[QStringLiteral("sweep")][QStringLiteral("steps")].toArray()) {
            const QJsonObject step = v.toObject();
            const QJsonObject ttfc = step.value(QStringLiteral("ttfc")).toObject();
            h += QStringLiteral("<tr class=\"step\"><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td>"
                                "<td>%9</td><td>%10</td></tr>\n")
                     .arg(step.value(QStringLiteral("load")).toDouble()).arg(num(step.value(QStringLiteral("throughput_rps")).toDouble()))
                     .arg(num(ttfc.value(QStringLiteral("p50")).toDouble(), 0), num(ttfc.value(QStringLiteral("p95")).toDouble(), 0),
                          num(ttfc.value(QStringLiteral("p99")).toDouble(), 0), num(step.value(QStringLiteral("e2e_p95")).toDouble(), 0))
                     .arg(step[QStringLiteral("requests")][QStringLiteral("failed")].toInt()).arg(step.value(QStringLiteral("threads_peak")).toInt())
                     .arg(num(step[QStringLiteral("cpu")][QStringLiteral("ms_per_request")].toDouble(), 2), esc(step.value(QStringLiteral("saturated")).toString()));
        }
        h += QStringLiteral("</tbody></table>\n<figure><figcaption>TTFC p95 and throughput against load</figcaption>\n%1</figure>\n")
                 .arg(sweepSvg({sweepCurve(report)}, false));
    }

    h += QStringLiteral("<h2>Over time</h2>\n");
    for (const Chart &c : charts(series))
        h += svgChart(c);
    return h + QStringLiteral("</body></html>\n");
}

} // namespace rag::loadtest
