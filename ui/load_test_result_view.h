// The load-test panel's "Result" box: the finished run's summary; for "async and blocking,
// compared" the metric-by-metric comparison of both runs and each one's summary; on request the
// comparison with an earlier report.json (loadtest::compareReports, the lines of `ragdesk
// loadtest --compare`); and the buttons that save the reports, open the HTML one and compare.
#pragma once

#include "core/result.h"
#include "loadtest/load_test_job.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace rag::ui {

class LoadTestSummary;

class LoadTestResultView : public QWidget {
    Q_OBJECT
public:
    explicit LoadTestResultView(QWidget *parent = nullptr);

    void showOutcome(const loadtest::LoadTestOutcome &outcome);
    // The async run first, the blocking one second, with their comparison above them.
    void showPair(const loadtest::LoadTestOutcome &async, const loadtest::LoadTestOutcome &blocking);
    void clear();
    void setBusy(bool busy); // a run goes: the buttons wait for its end

    // The shown run (a pair's blocking run) against an earlier report.json.
    Result<void> compareWith(const QString &reportPath);
    // report.json, timeseries.csv, report.html (and sweep.svg) of the shown run into `dir`.
    Result<void> saveReports(const QString &dir);
    // Those in a new folder under the temporary folder, which stays after the app quits so that
    // a browser opened on report.html can still read it. Returns report.html's path.
    Result<QString> writeHtmlReport();
    QString comparisonText() const; // empty when no comparison is shown

Q_SIGNALS:
    void error(const QString &message);
    void status(const QString &message);

private:
    QWidget *buildButtons();
    void showComparison(const QString &caption, const QString &lines);
    void updateButtons();

    std::optional<loadtest::LoadTestOutcome> m_outcome; // the shown run
    bool m_busy = false;
    LoadTestSummary *m_first = nullptr; // a pair's async run; hidden otherwise
    LoadTestSummary *m_run = nullptr;
    QLabel *m_firstCaption = nullptr;
    QLabel *m_runCaption = nullptr;
    QLabel *m_comparisonCaption = nullptr;
    QPlainTextEdit *m_comparison = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_openHtml = nullptr;
    QPushButton *m_compare = nullptr;
};

} // namespace rag::ui
