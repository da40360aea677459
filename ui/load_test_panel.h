// The desktop app's load test: a scenario from the form (or a file), Run and Stop, live charts of
// each second's completed requests, TTFC p95 and requests in flight, then the summary with every
// threshold's verdict and the reports. The run (simulator process, engine, virtual users) lives
// on the LoadTestHost's thread; the GUI thread only draws the values its signals carry.
#pragma once

#include "core/result.h"
#include "load_test_form.h"
#include "loadtest/load_test_host.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace rag {
class Workspace;
}

namespace rag::ui {

class ChatReader;
class LiveChart;
class LoadTestForm;
class LoadTestResultView;
struct ChatTargets;

class LoadTestPanel : public QWidget {
    Q_OBJECT
public:
    // The host is asked for on the first run, so a window whose load test is never used never
    // starts its thread. It must outlive the panel's runs (see MainWindow).
    using HostSource = std::function<loadtest::LoadTestHost *()>;
    LoadTestPanel(Workspace &workspace, HostSource host, QWidget *parent = nullptr);
    ~LoadTestPanel() override;

    // The ragdesk binary whose `sim` command is the simulator. Empty (the default): this program,
    // which in the app is ragdesk itself (one binary for the GUI and the command line).
    void setSimulatorProgram(const QString &program) { m_program = program; }
    LoadTestForm *form() const { return m_form; }
    void reloadKnowledgeBases(); // also when the panel is shown

    bool run();  // the Run button; false (the reason on screen) when nothing started
    void stop(); // the Stop button; what finished is still reported
    bool isRunning() const { return m_running; }
    // The last finished run; empty before one, and after a run that could not start. With
    // "async and blocking, compared", the blocking run (asyncOutcome() has the other).
    const std::optional<loadtest::LoadTestOutcome> &outcome() const { return m_outcome; }
    const std::optional<loadtest::LoadTestOutcome> &asyncOutcome() const { return m_asyncOutcome; }
    LoadTestResultView *resultView() const { return m_result; }
    // The last run against an earlier report.json, shown under the summary.
    Result<void> compareWith(const QString &reportPath);
    // The last run's reports (see LoadTestResultView).
    Result<void> saveReports(const QString &dir);
    Result<QString> writeHtmlReport();

Q_SIGNALS:
    void knowledgeBasesShown(int count);
    void progressShown(const rag::loadtest::LoadProgress &progress); // on the widgets
    void runFinished(bool ok); // the summary or the error is on screen, Run is back

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildRunBar();
    QWidget *buildCharts();
    QWidget *buildResult();
    void showKnowledgeBases(const ChatTargets &targets);
    void showProgress(const loadtest::LoadProgress &progress);
    void showFinished(const loadtest::LoadTestResult &result);
    bool start(const PreparedRun &run);
    void showError(const QString &message);
    void setRunning(bool running);

    HostSource m_hostSource;
    QPointer<loadtest::LoadTestHost> m_host;
    ChatReader *m_reader = nullptr;
    QString m_program;
    bool m_running = false;
    std::optional<loadtest::LoadTestOutcome> m_outcome;
    std::optional<loadtest::LoadTestOutcome> m_asyncOutcome; // the first half of a compared pair
    std::optional<PreparedRun> m_blockingRun;                // the second half, until it starts
    Workspace &m_workspace;
    double m_stepS = 0; // warm-up + duration of one step; 0 when the run is bounded by iterations
    int m_steps = 1;
    loadtest::LoadModel m_model = loadtest::LoadModel::Closed;
    int m_lastStep = 0;

    LoadTestForm *m_form = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_progressLine = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_runtime = nullptr;
    LiveChart *m_completed = nullptr;
    LiveChart *m_ttfc = nullptr;
    LiveChart *m_inFlight = nullptr;
    LoadTestResultView *m_result = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_openHtml = nullptr;
};

} // namespace rag::ui
