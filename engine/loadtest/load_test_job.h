// One load test from scenario to reports, shared by `ragdesk loadtest` and the desktop app's
// load-test panel: starts the simulator (its own process) or connects the remote target, sets up
// the engine as the scenario asks, runs the load (once, or once per sweep step), and builds the
// report. Runs on the thread that calls run(); the GUI gives it a thread of its own
// (LoadTestHost), so virtual users never share the GUI thread.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"
#include "loadtest/load_runner.h"
#include "loadtest/saturation.h"
#include "loadtest/scenario.h"
#include "loadtest/threshold.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

#include <qcoro/qcorotask.h>

namespace rag {
class Workspace;
}

namespace rag::loadtest {

struct LoadTestOptions {
    QString program;    // the ragdesk binary `sim` runs from; empty: this program
    double drainS = 30; // what is in flight at the schedule's end gets this long, then is cancelled
};

struct LoadTestOutcome {
    Scenario scenario;
    RunSummary summary;                 // the whole run (every sweep step's measured requests)
    QList<ThresholdResult> thresholds;
    QList<TimeBucket> series;           // per second; sweep steps one after the other
    QList<SweepStep> steps;             // a sweep's steps; empty for a single run
    QJsonObject report;                 // reportJson()
    bool stopped = false;               // stopped before the schedule's end
    bool passed() const;
};

// The scenario file read and validated; relative paths resolve against its folder.
Result<Scenario> readScenarioFile(const QString &path);
// The scenario's questions: inline ones, or its questions file read.
Result<QuestionSet> scenarioQuestions(const Scenario &scenario);
// report.json, timeseries.csv, report.html and, for a sweep, sweep.svg into `dir` (created).
Result<void> writeReports(const QString &dir, const LoadTestOutcome &outcome);

class LoadTestJob : public QObject {
    Q_OBJECT
public:
    // The workspace must outlive the job; the engine is created on run()'s thread.
    LoadTestJob(Workspace &workspace, Scenario scenario, QuestionSet questions, LoadTestOptions options = {},
                QObject *parent = nullptr);
    ~LoadTestJob() override;

    // An error before any load went out (no such knowledge base, the simulator did not start);
    // otherwise the outcome, also when `stop` cut the run short (what finished is reported).
    QCoro::Task<Result<LoadTestOutcome>> run(CancelTokenPtr stop);

signals:
    void status(const QString &line); // "simulator (field) at http://127.0.0.1:PORT"
    void progress(const rag::loadtest::LoadProgress &progress); // about once a second

private:
    Workspace &m_workspace;
    Scenario m_scenario;
    QuestionSet m_questions;
    LoadTestOptions m_options;
};

} // namespace rag::loadtest
