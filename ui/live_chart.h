// A live line chart of one per-second series, painted with QPainter (the app does not depend on
// Qt Charts). The load-test panel appends a point a second; the history is bounded, so a long run
// costs the GUI thread no more per repaint than a short one.
#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

namespace rag::ui {

class LiveChart : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxPoints = 600; // ten minutes at a point a second

    LiveChart(QString title, QString unit, QColor colour, QWidget *parent = nullptr);

    // `shaded` points lie on a grey band (the warm-up, excluded from the statistics). NaN: nothing
    // was measured that second, drawn as a gap rather than a misleading zero.
    void append(double value, bool shaded = false);
    // The next point starts a new segment behind a dashed line (a sweep's next step).
    void markBoundary();
    // How many seconds the x axis shows at least: the run's expected length, so a short run
    // fills the chart and a long one does not rescale every second.
    void setMinimumSpan(int seconds);
    // Counts (requests): the y axis gets whole-number steps.
    void setIntegral(bool integral) { m_integral = integral; }
    void clear();
    int pointCount() const { return int(m_points.size()); }
    double lastValue() const; // NaN when there is none

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Point {
        double value = 0;
        bool shaded = false;
        bool boundary = false; // a new segment starts here
    };
    QString m_title;
    QString m_unit;
    QColor m_colour;
    QList<Point> m_points;
    qint64 m_dropped = 0; // points that fell out of the history, so the x labels stay true
    bool m_boundaryPending = false;
    bool m_integral = false;
    int m_minimumSpan = 10;
};

} // namespace rag::ui
