#include "live_chart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rag::ui {

namespace {

constexpr int kGridLines = 4; // at most one more, so labels stay at 1, 2 or 5 times a power of ten
constexpr int kMargin = 8;
constexpr int kDotsUpTo = 20; // points drawn as dots too: a single second is still visible

// 1, 2 or 5 times a power of ten at or above `v`: axis labels people can read.
double niceCeiling(double v)
{
    if (!(v > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    const double f = v / magnitude;
    const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * magnitude;
}

QString number(double v)
{
    if (std::abs(v - std::round(v)) < 1e-9 || std::abs(v) >= 100)
        return QString::number(qint64(std::llround(v)));
    return QString::number(v, 'f', std::abs(v) >= 10 ? 1 : 2);
}

} // namespace

LiveChart::LiveChart(QString title, QString unit, QColor colour, QWidget *parent)
    : QWidget(parent), m_title(std::move(title)), m_unit(std::move(unit)), m_colour(std::move(colour))
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(m_title); // the whole title, when a narrow chart elides it
}

void LiveChart::append(double value, bool shaded)
{
    m_points.append({std::isfinite(value) ? std::max(0.0, value) : qQNaN(), shaded, m_boundaryPending && !m_points.isEmpty()});
    m_boundaryPending = false;
    if (m_points.size() > kMaxPoints) {
        m_points.removeFirst();
        ++m_dropped;
    }
    update();
}

double LiveChart::lastValue() const
{
    return m_points.isEmpty() ? qQNaN() : m_points.constLast().value;
}

void LiveChart::markBoundary()
{
    m_boundaryPending = true;
}

void LiveChart::setMinimumSpan(int seconds)
{
    m_minimumSpan = std::max(1, seconds);
    update();
}

void LiveChart::clear()
{
    m_points.clear();
    m_dropped = 0;
    m_boundaryPending = false;
    update();
}

QSize LiveChart::sizeHint() const
{
    return {320, 170};
}

QSize LiveChart::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return {140, 4 * line + 40};
}

void LiveChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm = fontMetrics();
    const QColor text = palette().color(QPalette::Text);
    QColor quiet = text;
    quiet.setAlphaF(0.6f);
    QColor grid = text;
    grid.setAlphaF(0.15f);

    // Title on the left, the latest value on the right: the number people look for first. In
    // a narrow chart the value keeps its room and the title is elided, never drawn over it.
    const QRect titleRect(kMargin, 4, width() - 2 * kMargin, fm.height());
    int valueWidth = 0;
    if (!m_points.isEmpty()) {
        const double last = lastValue();
        const QString value = std::isnan(last) ? QStringLiteral("–") : QStringLiteral("%1 %2").arg(number(last), m_unit).trimmed();
        valueWidth = fm.horizontalAdvance(value) + fm.averageCharWidth();
        p.setPen(m_colour);
        p.drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter, value);
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(text);
    p.drawText(titleRect.adjusted(0, 0, -valueWidth, 0), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(bold).elidedText(m_title, Qt::ElideRight, std::max(0, titleRect.width() - valueWidth)));
    p.setFont(font());

    double highest = 0;
    for (const Point &point : std::as_const(m_points)) {
        if (!std::isnan(point.value))
            highest = std::max(highest, point.value);
    }
    // A nice step first, then as many lines as the data needs: every label is a round number.
    double yStep = niceCeiling(highest / kGridLines);
    if (m_integral)
        yStep = std::max(1.0, yStep);
    const int lines = std::max(1, int(std::ceil(highest * 1.05 / yStep)));
    const double top = yStep * lines;
    int labelWidth = 0;
    for (int i = 0; i <= lines; ++i)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(number(yStep * i)));
    const QRectF area(QPointF(kMargin + labelWidth + 6, titleRect.bottom() + 8),
                      QPointF(width() - kMargin - 4, height() - fm.height() - 8));
    if (area.width() < 20 || area.height() < 20)
        return;

    for (int i = 0; i <= lines; ++i) {
        const double y = area.bottom() - area.height() * i / lines;
        p.setPen(grid);
        p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
        p.setPen(quiet);
        p.drawText(QRectF(kMargin, y - fm.height() / 2.0, labelWidth, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   number(yStep * i));
    }

    // Point i is second i + 1 of what is shown: it sums up the second that ends there.
    const int span = std::max(m_minimumSpan, int(m_points.size()));
    const double step = area.width() / span;
    auto xAt = [&](int i) { return area.left() + (i + 1) * step; };
    auto yAt = [&](double v) { return area.bottom() - area.height() * v / top; };

    p.setPen(quiet);
    p.drawText(QRectF(area.left(), area.bottom() + 4, area.width() / 2, fm.height()), Qt::AlignLeft,
               tr("%1 s").arg(m_dropped));
    p.drawText(QRectF(area.center().x(), area.bottom() + 4, area.width() / 2, fm.height()), Qt::AlignRight,
               tr("%1 s").arg(m_dropped + span));

    if (m_points.isEmpty()) {
        p.drawText(area, Qt::AlignCenter, tr("No data yet"));
        return;
    }

    QColor band = text;
    band.setAlphaF(0.07f);
    QPen boundaryPen(quiet, 1, Qt::DashLine);
    for (int i = 0; i < m_points.size(); ++i) {
        const double left = xAt(i) - step;
        if (m_points.at(i).shaded)
            p.fillRect(QRectF(left, area.top(), step, area.height()), band);
        if (m_points.at(i).boundary) {
            p.setPen(boundaryPen);
            p.drawLine(QPointF(left, area.top()), QPointF(left, area.bottom()));
        }
    }

    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath line;
    bool gap = true;
    for (int i = 0; i < m_points.size(); ++i) {
        const Point &point = m_points.at(i);
        if (std::isnan(point.value)) {
            gap = true;
            continue;
        }
        const QPointF at(xAt(i), yAt(point.value));
        if (gap || point.boundary)
            line.moveTo(at);
        else
            line.lineTo(at);
        gap = false;
    }
    p.setPen(QPen(m_colour, 2));
    p.setBrush(Qt::NoBrush);
    p.drawPath(line);
    if (m_points.size() <= kDotsUpTo) {
        p.setBrush(m_colour);
        for (int i = 0; i < m_points.size(); ++i) {
            if (!std::isnan(m_points.at(i).value))
                p.drawEllipse(QPointF(xAt(i), yAt(m_points.at(i).value)), 2.5, 2.5);
        }
    }
}

} // namespace rag::ui
