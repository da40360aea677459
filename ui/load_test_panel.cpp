#include "load_test_panel.h"

#include "chat_reader.h"
#include "field_labels.h"
#include "live_chart.h"
#include "load_test_form.h"
#include "load_test_result_view.h"
#include "load_test_target.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShowEvent>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rag::ui {

namespace {

// The bar counts tenths of a second: smooth for short runs, and a week of sweep steps still
// fits an int.
constexpr double kTicksPerS = 10;
constexpr int kDefaultSpanS = 60; // the charts' x axis when the run's length is not known
// Progress comes about once a second, the last one a little after the schedule's end: only
// later than this is the run waiting for requests still in flight.
constexpr double kDrainingAfterS = 0.5;
const QColor kCompletedColour(0x1f, 0x77, 0xb4);
const QColor kTtfcColour(0xd9, 0x5f, 0x02);
const QColor kInFlightColour(0x2c, 0x8c, 0x3c);

int ticks(double seconds)
{
    return int(std::clamp(seconds * kTicksPerS, 0.0, double(std::numeric_limits<int>::max())));
}

QString loadWord(loadtest::LoadModel model, double load)
{
    if (model == loadtest::LoadModel::Open)
        return QObject::tr("%1 req/s").arg(load);
    return load == 1 ? QObject::tr("1 user") : QObject::tr("%1 users").arg(load);
}

} // namespace

LoadTestPanel::LoadTestPanel(Workspace &workspace, HostSource host, QWidget *parent)
    : QWidget(parent), m_hostSource(std::move(host)), m_reader(new ChatReader(workspace, this)), m_workspace(workspace)
{
    qRegisterMetaType<loadtest::LoadProgress>();
    qRegisterMetaType<loadtest::LoadTestResult>();
    connect(m_reader, &ChatReader::targetsLoaded, this, &LoadTestPanel::showKnowledgeBases);

    m_form = new LoadTestForm;
    connect(m_form, &LoadTestForm::error, this, &LoadTestPanel::showError);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Wide enough for the form where there is room; in a small window it scrolls instead.
    scroll->setMinimumWidth(std::min(m_form->sizeHint().width() + 24, 260));
    auto *scenario = new QGroupBox(tr("Scenario"));
    auto *scenarioLayout = new QVBoxLayout(scenario);
    scenarioLayout->addWidget(scroll);

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(buildRunBar());
    rightLayout->addWidget(buildCharts(), 1);
    rightLayout->addWidget(buildResult(), 1);

    auto *split = new QSplitter;
    split->setChildrenCollapsible(false);
    split->addWidget(scenario);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);
    setRunning(false);
}

LoadTestPanel::~LoadTestPanel() = default; // a run still going is stopped by its host

QWidget *LoadTestPanel::buildRunBar()
{
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("loadTestRun"));
    connect(m_run, &QPushButton::clicked, this, &LoadTestPanel::run);
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("loadTestStop"));
    connect(m_stop, &QPushButton::clicked, this, &LoadTestPanel::stop);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("loadTestStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("loadTestError"));
    m_error->setWordWrap(true);
    QPalette errorPalette = m_error->palette(); // a red that reads on the window's palette
    errorPalette.setColor(QPalette::WindowText, errorTextColour(errorPalette));
    m_error->setPalette(errorPalette);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_progressLine = new QLabel(tr("Not started"));
    m_progressLine->setObjectName(QStringLiteral("loadTestProgress"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("loadTestProgressBar"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_runtime = new QLabel;
    m_runtime->setObjectName(QStringLiteral("loadTestRuntime"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_status, 1);
    auto *bar = new QWidget;
    auto *layout = new QVBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addWidget(m_progressLine);
    layout->addWidget(m_progress);
    layout->addWidget(m_runtime);
    return bar;
}

QWidget *LoadTestPanel::buildCharts()
{
    m_completed = new LiveChart(tr("Completed per second"), tr("req/s"), kCompletedColour);
    m_completed->setObjectName(QStringLiteral("loadTestChartCompleted"));
    m_ttfc = new LiveChart(tr("TTFC p95"), tr("ms"), kTtfcColour);
    m_ttfc->setObjectName(QStringLiteral("loadTestChartTtfc"));
    m_inFlight = new LiveChart(tr("In flight"), QString(), kInFlightColour);
    m_inFlight->setObjectName(QStringLiteral("loadTestChartInFlight"));
    m_completed->setIntegral(true);
    m_inFlight->setIntegral(true);
    auto *charts = new QWidget;
    auto *layout = new QHBoxLayout(charts);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_completed);
    layout->addWidget(m_ttfc);
    layout->addWidget(m_inFlight);
    return charts;
}

QWidget *LoadTestPanel::buildResult()
{
    m_result = new LoadTestResultView;
    connect(m_result, &LoadTestResultView::error, this, &LoadTestPanel::showError);
    connect(m_result, &LoadTestResultView::status, m_status, &QLabel::setText);
    auto *box = new QGroupBox(tr("Result"));
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_result);
    return box;
}

void LoadTestPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Knowledge bases may have been created on the Knowledge tab since the panel was last shown.
    if (!event->spontaneous())
        reloadKnowledgeBases();
}

void LoadTestPanel::reloadKnowledgeBases()
{
    m_reader->loadTargets();
}

void LoadTestPanel::showKnowledgeBases(const ChatTargets &targets)
{
    m_form->setKnowledgeBases(targets.knowledgeBases);
    QStringList assistants;
    for (const api::Assistant &assistant : targets.assistants)
        assistants.append(assistant.spec.name);
    m_form->setAssistants(assistants);
    if (!targets.error.isEmpty())
        showError(tr("Could not read the knowledge bases: %1").arg(targets.error));
    Q_EMIT knowledgeBasesShown(int(targets.knowledgeBases.size()));
}

bool LoadTestPanel::run()
{
    if (m_running)
        return false;
    m_error->hide();
    auto prepared = m_form->prepare();
    if (!prepared) {
        showError(prepared.error());
        return false;
    }
    if (m_form->scenarioFile().isEmpty()) {
        QSettings settings; // what ran is what the form offers next time
        m_form->saveSettings(settings);
    }
    if (m_form->scenarioFile().isEmpty() && m_form->target()->isRemote()) {
        QString warning;
        auto key = m_form->target()->takeApiKey(m_workspace, &warning);
        if (!key) {
            showError(key.error());
            return false;
        }
        prepared->scenario.target.apiKey = *key;
        if (!warning.isEmpty())
            m_status->setText(warning);
    }
    m_blockingRun.reset();
    m_asyncOutcome.reset();
    if (m_form->scenarioFile().isEmpty() && m_form->target()->comparesModes()) {
        m_blockingRun = *prepared;
        m_blockingRun->scenario.target.mode = loadtest::EngineMode::Blocking;
        m_blockingRun->scenario.name += tr(" (blocking)");
        prepared->scenario.name += tr(" (async)");
    }
    return start(*prepared);
}

bool LoadTestPanel::start(const PreparedRun &prepared)
{
    if (!m_host) {
        m_host = m_hostSource();
        connect(m_host, &loadtest::LoadTestHost::status, m_status, &QLabel::setText);
        connect(m_host, &loadtest::LoadTestHost::progress, this, &LoadTestPanel::showProgress);
        connect(m_host, &loadtest::LoadTestHost::finished, this, &LoadTestPanel::showFinished);
    }
    const loadtest::Scenario &scenario = prepared.scenario;
    m_stepS = scenario.load.iterations ? 0 : scenario.load.totalS();
    m_steps = int(std::max<qsizetype>(1, scenario.load.sweep.size()));
    m_model = scenario.load.model;
    loadtest::LoadTestOptions options;
    options.program = m_program;
    if (!m_host->start(scenario, prepared.questions, options)) {
        showError(tr("A load test is already running"));
        return false;
    }
    m_outcome.reset();
    if (!m_asyncOutcome)
        m_result->clear();
    m_lastStep = 0;
    for (LiveChart *chart : {m_completed, m_ttfc, m_inFlight}) {
        chart->clear();
        chart->setMinimumSpan(m_stepS > 0 ? int(std::ceil(m_stepS * m_steps)) : kDefaultSpanS);
    }
    // Without a known length (iterations), the bar only says that something is going on.
    m_progress->setRange(0, m_stepS > 0 ? ticks(m_stepS * m_steps) : 0);
    m_progress->setValue(0);
    m_progressLine->setText(tr("Starting %1…").arg(scenario.name));
    m_runtime->clear();
    m_status->setText(scenario.target.kind == loadtest::TargetKind::Embedded ? tr("Starting the simulator and the engine…")
                                                                          : tr("Starting…"));
    setRunning(true);
    return true;
}

void LoadTestPanel::stop()
{
    if (!m_running || !m_host)
        return;
    m_host->stop();
    m_stop->setEnabled(false);
    m_status->setText(tr("Stopping: requests in flight are cancelled…"));
}

void LoadTestPanel::showProgress(const loadtest::LoadProgress &p)
{
    if (!m_running)
        return;
    if (p.step != m_lastStep) {
        for (LiveChart *chart : {m_completed, m_ttfc, m_inFlight})
            chart->markBoundary();
        m_lastStep = p.step;
    }
    m_completed->append(double(p.completedLastS), p.warmup);
    m_ttfc->append(p.ttfcP95LastMs > 0 ? p.ttfcP95LastMs : qQNaN(), p.warmup);
    m_inFlight->append(p.inFlight, p.warmup);

    QStringList parts;
    if (p.steps > 1)
        parts << tr("Step %1/%2 at %3").arg(p.step + 1).arg(p.steps).arg(loadWord(m_model, p.load));
    if (m_stepS > 0) {
        m_progress->setValue(std::min(m_progress->maximum(), ticks(p.step * m_stepS + std::min(p.elapsedS, m_stepS))));
        parts << tr("%1 s of %2 s").arg(p.elapsedS, 0, 'f', 0).arg(m_stepS, 0, 'f', 0);
    } else {
        parts << tr("%1 s").arg(p.elapsedS, 0, 'f', 0);
    }
    parts << (p.warmup ? tr("warm-up") : m_stepS > 0 && p.elapsedS > m_stepS + kDrainingAfterS ? tr("draining") : tr("measured"));
    parts << tr("%1 finished").arg(p.finished) << tr("%1 in flight").arg(p.inFlight);
    m_progressLine->setText(parts.join(QStringLiteral(" · ")));
    m_runtime->setText(tr("Threads %1 · RSS %2 MB · engine loop lag p99 %3 ms")
                           .arg(p.threads)
                           .arg(p.rssMb, 0, 'f', 0)
                           .arg(p.engineLagP99Ms, 0, 'f', 1));
    Q_EMIT progressShown(p);
}

void LoadTestPanel::showFinished(const loadtest::LoadTestResult &result)
{
    if (!m_running)
        return;
    setRunning(false);
    if (!result.ok) {
        m_status->clear();
        m_progressLine->setText(tr("Did not run"));
        showError(tr("The load test did not run: %1").arg(result.error));
        Q_EMIT runFinished(false);
        return;
    }
    m_outcome = result.outcome;
    if (m_blockingRun && !result.outcome.stopped) {
        // The first half of "async and blocking, compared": the same load again, blocking.
        m_asyncOutcome = result.outcome;
        m_result->showOutcome(result.outcome);
        const PreparedRun next = *std::exchange(m_blockingRun, std::nullopt);
        setRunning(false);
        if (start(next))
            return;
        m_asyncOutcome.reset();
        Q_EMIT runFinished(false);
        return;
    }
    m_blockingRun.reset();
    if (m_asyncOutcome)
        m_result->showPair(*m_asyncOutcome, result.outcome);
    else
        m_result->showOutcome(result.outcome);
    if (!result.outcome.stopped)
        m_progress->setValue(m_progress->maximum());
    else if (m_progress->maximum() == 0)
        m_progress->setRange(0, 1); // stop the busy indicator
    m_status->setText(result.outcome.stopped ? tr("Stopped") : tr("Finished"));
    Q_EMIT runFinished(true);
}

void LoadTestPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void LoadTestPanel::setRunning(bool running)
{
    m_running = running;
    m_form->setLocked(running);
    m_run->setEnabled(!running);
    m_stop->setEnabled(running);
    m_result->setBusy(running);
}

Result<void> LoadTestPanel::compareWith(const QString &reportPath)
{
    return m_result->compareWith(reportPath);
}

Result<void> LoadTestPanel::saveReports(const QString &dir)
{
    return m_result->saveReports(dir);
}

Result<QString> LoadTestPanel::writeHtmlReport()
{
    return m_result->writeHtmlReport();
}

} // namespace rag::ui
