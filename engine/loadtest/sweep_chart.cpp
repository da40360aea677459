#include "loadtest/sweep_chart.h"

#include "loadtest/chart_ticks.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>

namespace rag::loadtest {

namespace {

constexpr double kPanelW = 440, kPanelH = 300, kLegendH = 28;
constexpr double kLeft = 62, kRight = 14, kTop = 30, kBottom = 46;
constexpr double kPlotW = kPanelW - kLeft - kRight, kPlotH = kPanelH - kTop - kBottom;
// Colour-blind-safe pairs (Okabe-Ito): one per curve, in order.
const char *const kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};

QString num(double v) { return QString::number(v, 'f', 1); }

struct Axis {
    bool log = false;
    double low = 0, high = 1;
    double map(double v) const // 0..1 along the axis
    {
        if (log)
            return (std::log10(std::max(v, low)) - std::log10(low)) / std::max(1e-9, std::log10(high) - std::log10(low));
        return (v - low) / std::max(1e-9, high - low);
    }
    QList<double> ticks() const
    {
        QList<double> t;
        if (log) {
            for (double decade = std::pow(10.0, std::floor(std::log10(low))); decade <= high * 1.0001; decade *= 10)
                for (const double m : {1.0, 2.0, 5.0})
                    if (decade * m >= low * 0.9999 && decade * m <= high * 1.0001)
                        t << decade * m;
            return t;
        }
        const double step = niceStep(high - low, 5);
        for (double v = std::ceil(low / step) * step; v <= high + step / 1000; v += step)
            t << v;
        return t;
    }
};

QString panel(const QList<SweepCurve> &curves, const Axis &x, const QString &metric, const QString &title,
              const std::function<double(const SweepPoint &)> &value, double offsetX)
{
    double yMax = 0;
    for (const SweepCurve &c : curves)
        for (const SweepPoint &p : c.points)
            yMax = std::max(yMax, value(p));
    const double yStep = niceStep(std::max(yMax, 1.0), 4);
    const Axis y{false, 0, std::ceil(std::max(yMax, 1.0) / yStep) * yStep};
    auto px = [&](double v) { return kLeft + x.map(v) * kPlotW; };
    auto py = [&](double v) { return kTop + kPlotH - y.map(v) * kPlotH; };

    QString s = QStringLiteral("<g class=\"panel\" data-metric=\"%1\" transform=\"translate(%2,%3)\">\n")
                    .arg(metric, num(offsetX), num(kLegendH));
    s += QStringLiteral("<text class=\"sw-title\" x=\"%1\" y=\"16\" text-anchor=\"middle\">%2</text>\n").arg(num(kLeft + kPlotW / 2), title);
    for (const double t : y.ticks())
        s += QStringLiteral("<line class=\"sw-grid\" x1=\"%1\" x2=\"%2\" y1=\"%3\" y2=\"%3\"/><text x=\"%4\" y=\"%5\" text-anchor=\"end\">%6</text>\n")
                 .arg(num(kLeft), num(kLeft + kPlotW), num(py(t)), num(kLeft - 6), num(py(t) + 4), QString::number(t, 'g', 6));
    for (const double t : x.ticks())
        s += QStringLiteral("<line class=\"sw-grid\" x1=\"%1\" x2=\"%1\" y1=\"%2\" y2=\"%3\"/><text x=\"%1\" y=\"%4\" text-anchor=\"middle\">%5</text>\n")
                 .arg(num(px(t)), num(kTop), num(kTop + kPlotH), num(kTop + kPlotH + 16), QString::number(t, 'g', 6));
    s += QStringLiteral("<path class=\"sw-axis\" d=\"M%1,%2 V%3 H%4\"/>\n").arg(num(kLeft), num(kTop), num(kTop + kPlotH), num(kLeft + kPlotW));
    const QString unit = curves.isEmpty() ? QStringLiteral("users") : curves.first().unit;
    s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3%4</text>\n")
             .arg(num(kLeft + kPlotW / 2), num(kPanelH - 8), unit == QLatin1String("rps") ? QStringLiteral("offered load (req/s)") : QStringLiteral("users"),
                  x.log ? QStringLiteral(", log scale") : QString());
    for (qsizetype i = 0; i < curves.size(); ++i) {
        QString d;
        QString dots;
        for (const SweepPoint &p : curves.at(i).points) {
            d += QStringLiteral("%1%2,%3 ").arg(d.isEmpty() ? QLatin1Char('M') : QLatin1Char('L')).arg(num(px(p.load)), num(py(value(p))));
            dots += QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"3\" fill=\"%3\"><title>%4 at %5: %6</title></circle>")
                        .arg(num(px(p.load)), num(py(value(p))), QLatin1String(kColours[i % 6]), curves.at(i).label.toHtmlEscaped())
                        .arg(p.load).arg(value(p), 0, 'f', 1);
        }
        s += QStringLiteral("<path class=\"curve\" stroke=\"%1\" d=\"%2\"/>%3\n").arg(QLatin1String(kColours[i % 6]), d.trimmed(), dots);
    }
    return s + QStringLiteral("</g>\n");
}

} // namespace

SweepCurve sweepCurve(const QJsonObject &report, const QString &label)
{
    SweepCurve curve;
    curve.label = label.isEmpty() ? report.value(QStringLiteral("name")).toString() : label;
    const QJsonObject sweep = report.value(QStringLiteral("sweep")).toObject();
    curve.unit = sweep.value(QStringLiteral("unit")).toString(QStringLiteral("users"));
    for (const QJsonValue &v : sweep.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject step = v.toObject();
        curve.points << SweepPoint{step.value(QStringLiteral("load")).toDouble(),
                                   step[QStringLiteral("ttfc")][QStringLiteral("p95")].toDouble(),
                                   step.value(QStringLiteral("throughput_rps")).toDouble()};
    }
    return curve;
}

QString sweepSvg(const QList<SweepCurve> &curves, bool standalone)
{
    Axis x;
    double low = 0, high = 0;
    for (const SweepCurve &c : curves)
        for (const SweepPoint &p : c.points) {
            low = low > 0 ? std::min(low, p.load) : p.load;
            high = std::max(high, p.load);
        }
    x.log = low > 0 && high / low >= 20;
    x.low = x.log ? low : 0;
    x.high = std::max(high, x.low + 1);
    const double width = 2 * kPanelW;
    const double height = kPanelH + kLegendH;
    QString s = QStringLiteral("<svg %1class=\"chart\" id=\"chart-sweep\" viewBox=\"0 0 %2 %3\" %4"
                               "role=\"img\" aria-label=\"TTFC p95 and throughput against load\">\n")
                    .arg(standalone ? QStringLiteral("xmlns=\"http://www.w3.org/2000/svg\" ") : QString(), num(width), num(height),
                         standalone ? QStringLiteral("width=\"%1\" height=\"%2\" ").arg(num(width), num(height)) : QString());
    s += QStringLiteral("<style>#chart-sweep text{font:12px sans-serif;fill:#333}#chart-sweep .sw-title{font-weight:bold}"
                        "#chart-sweep .sw-grid{stroke:#ddd}#chart-sweep .sw-axis{stroke:#333;fill:none}"
                        "#chart-sweep .curve{fill:none;stroke-width:2}</style>\n");
    s += QStringLiteral("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    double legendX = kLeft;
    for (qsizetype i = 0; i < curves.size(); ++i) {
        s += QStringLiteral("<rect x=\"%1\" y=\"8\" width=\"12\" height=\"12\" fill=\"%2\"/><text x=\"%3\" y=\"18\">%4</text>\n")
                 .arg(num(legendX), QLatin1String(kColours[i % 6]), num(legendX + 16), curves.at(i).label.toHtmlEscaped());
        legendX += 40 + 7 * curves.at(i).label.size();
    }
    s += panel(curves, x, QStringLiteral("ttfc"), QStringLiteral("TTFC p95 (ms)"), [](const SweepPoint &p) { return p.ttfcP95Ms; }, 0);
    s += panel(curves, x, QStringLiteral("throughput"), QStringLiteral("completed requests/s"),
               [](const SweepPoint &p) { return p.throughputRps; }, kPanelW);
    return s + QStringLiteral("</svg>\n");
}

} // namespace rag::loadtest
