// The sweep plot: TTFC p95 and throughput against load (users or requests/s), one curve per
// report, as one self-contained SVG (inline style, no script) that opens as a file, embeds in
// report.html and sits next to bench/RESULTS.md. The load axis is logarithmic when the sweep
// spans 20 times or more (1 .. 1000 users).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace rag::loadtest {

struct SweepPoint {
    double load = 0;
    double ttfcP95Ms = 0;
    double throughputRps = 0;
};

struct SweepCurve {
    QString label; // the legend: the report's name unless given
    QString unit;  // "users" or "rps"
    QList<SweepPoint> points;
};

// From reportJson()'s "sweep"; no points when the report has none.
SweepCurve sweepCurve(const QJsonObject &report, const QString &label = {});

// Stable hooks for tests: svg#chart-sweep, g.panel[data-metric="ttfc"|"throughput"], path.curve.
// `standalone`: a file of its own (with the SVG namespace); false: inline in an HTML page.
QString sweepSvg(const QList<SweepCurve> &curves, bool standalone = true);

} // namespace rag::loadtest
