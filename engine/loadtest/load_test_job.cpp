#include "loadtest/load_test_job.h"

#include "chat/chat_engine.h"
#include "loadtest/html_report.h"
#include "loadtest/remote_target.h"
#include "loadtest/report.h"
#include "loadtest/simulator_process.h"
#include "loadtest/sweep_chart.h"
#include "providers/calllog/rerank_call_log.h"
#include "providers/provider_registry.h"
#include "store/database.h"
#include "store/provider_records.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <optional>

namespace rag::loadtest {

namespace {

// Providers pointing at the simulator, for this run's engine only (the port changes every run):
// the user's configured providers are neither read nor written.
Result<void> addSimulatorProviders(providers::ProviderRegistry &registry, const QString &base, const ProviderSpec &spec)
{
    const int connections = spec.simulatorConnections;
    const QList<store::ProviderRecord> records = {
        {QStringLiteral("loadtest-rerank"), QStringLiteral("jina"), base + QStringLiteral("/jina/v1"), QStringLiteral("sim-rerank"), connections, 30'000, spec.simulatorHttp2},
        {QStringLiteral("loadtest-chat"), QStringLiteral("openai-compatible"), base + QStringLiteral("/openai/v1"), QStringLiteral("sim-chat"), connections, 60'000, spec.simulatorHttp2},
    };
    for (const store::ProviderRecord &record : records) {
        if (auto added = registry.addSessionProvider(record); !added)
            return added;
    }
    return {};
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

} // namespace

bool LoadTestOutcome::passed() const
{
    return std::all_of(thresholds.cbegin(), thresholds.cend(), [](const ThresholdResult &t) { return t.ok; });
}

Result<Scenario> readScenarioFile(const QString &path)
{
    const QFileInfo info(path);
    QFile file(info.absoluteFilePath());
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    auto scenario = parseScenario(file.readAll(), info.absolutePath());
    if (!scenario)
        return fail(QStringLiteral("%1: %2").arg(info.fileName(), scenario.error()));
    return scenario;
}

Result<QuestionSet> scenarioQuestions(const Scenario &scenario)
{
    if (!scenario.questions.isEmpty())
        return scenario.questions;
    return loadQuestions(scenario.questionsPath);
}

Result<void> writeReports(const QString &dir, const LoadTestOutcome &outcome)
{
    const QDir out(dir);
    bool ok = QDir().mkpath(dir)
        && writeFile(out.filePath(QStringLiteral("report.json")), QJsonDocument(outcome.report).toJson())
        && writeFile(out.filePath(QStringLiteral("timeseries.csv")), timeseriesCsv(outcome.series).toUtf8())
        && writeFile(out.filePath(QStringLiteral("report.html")), htmlReport(outcome.report, outcome.series).toUtf8());
    if (ok && !outcome.steps.isEmpty())
        ok = writeFile(out.filePath(QStringLiteral("sweep.svg")), sweepSvg({sweepCurve(outcome.report)}).toUtf8());
    if (!ok)
        return fail(QStringLiteral("cannot write the reports into %1").arg(dir));
    return {};
}

LoadTestJob::LoadTestJob(Workspace &workspace, Scenario scenario, QuestionSet questions, LoadTestOptions options,
                         QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_scenario(std::move(scenario))
    , m_questions(std::move(questions))
    , m_options(std::move(options))
{
    qRegisterMetaType<LoadProgress>();
}

LoadTestJob::~LoadTestJob() = default;

QCoro::Task<Result<LoadTestOutcome>> LoadTestJob::run(CancelTokenPtr stop)
{
    const Scenario &scenario = m_scenario;
    if (m_questions.isEmpty())
        co_return fail(QStringLiteral("the scenario has no questions"));
    QList<Threshold> thresholds;
    for (const QString &expression : scenario.thresholds) {
        auto threshold = parseThreshold(expression);
        if (!threshold)
            co_return fail(threshold.error());
        thresholds << *threshold;
    }
    // A remote target (openai, ragflow) needs no knowledge base nor simulator here.
    std::unique_ptr<RemoteTarget> remote;
    if (scenario.target.kind != TargetKind::Embedded) {
        const int connections = scenario.load.model == LoadModel::Closed ? scenario.load.users : 1024;
        auto created = RemoteTarget::create(scenario.target, connections);
        if (!created)
            co_return fail(created.error());
        remote = std::move(*created);
        emit status(QStringLiteral("remote target at %1").arg(remote->endpoint()));
    } else if (auto kb = m_workspace.knowledgeBase(scenario.target.kb); !kb) {
        co_return fail(kb.error());
    }

    chat::AskOptions ask;
    ask.save = !scenario.target.assistant.isEmpty();
    ask.assistant = scenario.target.assistant;
    ask.mode = scenario.target.mode == EngineMode::Blocking ? chat::AskMode::Blocking : chat::AskMode::Async;
    ask.deadline = std::chrono::milliseconds(qint64(scenario.target.deadlineS * 1000));
    ask.adHoc.name = QStringLiteral("loadtest");
    ask.adHoc.knowledgeBases = {scenario.target.kb};
    SimulatorProcess simulator; // outlives the engine, whose last calls may still be at it
    // The simulator's rerank calls are logged as any would be, but to a database of the run's
    // own: thousands of them in the user's call log would push the user's own calls out of its
    // retention (docs/loadtest.md). Declared before what holds that database, so the folder goes
    // after its last connection.
    std::optional<QTemporaryDir> callLogDir;
    chat::ChatEngineConfig config;
    config.blockingThreads = scenario.target.pool;
    const bool simulated = !scenario.providers.real && !remote;
    if (simulated) {
        callLogDir.emplace();
        if (!callLogDir->isValid())
            co_return fail(QStringLiteral("cannot create a temporary folder for the run's call log"));
        store::DatabaseUrl url;
        url.sqlitePath = callLogDir->filePath(QStringLiteral("calls.sqlite"));
        auto opened = store::Database::open(url);
        if (!opened)
            co_return fail(opened.error());
        config.callLogDatabase = *opened;
    }
    chat::ChatEngine engine(m_workspace, config);
    if (simulated) {
        const QString program = m_options.program.isEmpty() ? QCoreApplication::applicationFilePath() : m_options.program;
        auto base = simulator.start(program, scenario.providers);
        if (!base)
            co_return fail(base.error());
        if (auto configured = addSimulatorProviders(engine.providers(), *base, scenario.providers); !configured)
            co_return fail(configured.error());
        ask.adHoc.reranker = QStringLiteral("loadtest-rerank");
        ask.adHoc.llm = QStringLiteral("loadtest-chat");
        emit status(QStringLiteral("simulator (%1) at %2").arg(simulator.profileName(), *base));
    }

    LoadTestOutcome outcome;
    outcome.scenario = scenario;
    // A sweep's whole-run view: every step's measured requests, one step's seconds after another.
    RunRecorder whole(RecorderConfig{});
    const int steps = int(std::max<qsizetype>(1, scenario.load.sweep.size()));
    for (int step = 0; step < steps && !stop->isCancelled(); ++step) {
        Scenario stepScenario = scenario;
        stepScenario.load = scenario.load.atStep(step);
        LoadRunner runner(engine, stepScenario, m_questions, ask);
        if (remote)
            runner.setRemoteTarget(remote.get());
        runner.setHelperProcess(simulator.processId());
        connect(&runner, &LoadRunner::progress, this, [this, step, steps](LoadProgress p) {
            p.step = step;
            p.steps = steps;
            emit progress(p);
        });
        co_await runner.run(stop, m_options.drainS);
        if (scenario.load.sweep.isEmpty()) {
            outcome.summary = runner.recorder().summary();
            outcome.series = runner.recorder().timeSeries();
        } else {
            outcome.steps << SweepStep{scenario.load.sweep.at(step), runner.recorder().summary()};
            whole.absorb(runner.recorder());
        }
    }
    outcome.stopped = stop->isCancelled();
    engine.callLog().flush();
    simulator.stop();
    if (!scenario.load.sweep.isEmpty()) {
        outcome.summary = whole.summary();
        outcome.series = whole.timeSeries();
    }
    outcome.thresholds = evaluateThresholds(thresholds, outcome.summary);
    outcome.report = reportJson(scenario, outcome.summary, outcome.thresholds, outcome.steps);
    if (outcome.stopped) // its figures cover the time until the stop; its thresholds judge less
        outcome.report.insert(QStringLiteral("stopped"), true);
    co_return outcome;
}

} // namespace rag::loadtest
