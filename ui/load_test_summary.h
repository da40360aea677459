// What a finished load test came to, as people read it: the verdict, the request counts (which
// add up to what was recorded), rates, latencies, runtime peaks, the saturation hint and each
// threshold's PASS or FAIL with what was observed.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;

namespace rag::loadtest {
struct LoadTestOutcome;
}

namespace rag::ui {

class LoadTestSummary : public QWidget {
    Q_OBJECT
public:
    explicit LoadTestSummary(QWidget *parent = nullptr);

    void showOutcome(const loadtest::LoadTestOutcome &outcome);
    void clear();

private:
    QLabel *m_verdict = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_throughput = nullptr;
    QLabel *m_latency = nullptr;
    QLabel *m_runtime = nullptr;
    QLabel *m_saturation = nullptr;
    QListWidget *m_thresholds = nullptr;
};

} // namespace rag::ui
