#include "cli/cli.h"

#include "chat/chat_engine.h"
#include "cli/console.h"
#include "loadtest/html_report.h"
#include "loadtest/load_runner.h"
#include "loadtest/remote_target.h"
#include "loadtest/report.h"
#include "providers/calllog/rerank_call_log.h"
#include "store/provider_repository.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>

#include <atomic>
#include <csignal>

namespace rag::cli {

namespace {

std::atomic<CancelToken *> runningLoad{nullptr};

void onInterrupt(int)
{
    if (CancelToken *token = runningLoad.load())
        token->cancel(); // the run stops, what finished is reported
}

// `ragdesk sim` as its own process, as SCENARIOS.md runs it: the simulator's CPU is not ours.
Result<QString> startSimulator(QProcess &sim, const loadtest::ProviderSpec &providers)
{
    const QString profile = providers.simulatorFile.isEmpty() ? providers.simulatorProfile : providers.simulatorFile;
    sim.setProcessChannelMode(QProcess::SeparateChannels);
    sim.start(QCoreApplication::applicationFilePath(),
              {QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--profile"), profile});
    if (!sim.waitForStarted(10000))
        return fail(QStringLiteral("cannot start the simulator: %1").arg(sim.errorString()));
    while (!sim.canReadLine()) {
        if (!sim.waitForReadyRead(10000))
            return fail(QStringLiteral("the simulator did not start: %1").arg(QString::fromUtf8(sim.readAllStandardError()).trimmed()));
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)")).match(QString::fromUtf8(sim.readLine()));
    if (!match.hasMatch())
        return fail(QStringLiteral("the simulator printed no address"));
    return match.captured(1);
}

// Providers pointing at the simulator, replaced on every run (the port changes).
Result<void> simulatorProviders(Workspace &workspace, const QString &base)
{
    store::ProviderRepository providers(workspace.database().connection());
    const QList<store::ProviderRecord> records = {
        {QStringLiteral("loadtest-rerank"), QStringLiteral("jina"), base + QStringLiteral("/jina/v1"), QStringLiteral("sim-rerank"), 1024, 30'000},
        {QStringLiteral("loadtest-chat"), QStringLiteral("openai-compatible"), base + QStringLiteral("/openai/v1"), QStringLiteral("sim-chat"), 1024, 60'000},
    };
    for (const store::ProviderRecord &record : records) {
        if (providers.find(record.name))
            (void)providers.remove(record.name);
        if (auto added = providers.add(record); !added)
            return added;
    }
    return {};
}

QCoro::Task<void> runInto(loadtest::LoadRunner *runner, CancelTokenPtr stop)
{
    co_await runner->run(stop);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

} // namespace

int loadtestCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral("usage: ragdesk loadtest SCENARIO.json [--report-dir DIR] [--compare OLD_REPORT.json]");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("scenario"), QStringLiteral("scenario file"));
    parser.addOption({QStringLiteral("report-dir"), QStringLiteral("where reports go"), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("compare"), QStringLiteral("an earlier report.json"), QStringLiteral("FILE")});
    if (!parser.parse(QStringList{QStringLiteral("loadtest")} + args) || parser.positionalArguments().size() != 1)
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);

    const QFileInfo scenarioFile(parser.positionalArguments().first());
    QFile file(scenarioFile.absoluteFilePath());
    if (!file.open(QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot read %1: %2").arg(scenarioFile.filePath(), file.errorString()));
    auto scenario = loadtest::parseScenario(file.readAll(), scenarioFile.absolutePath());
    if (!scenario)
        return failure(QStringLiteral("%1: %2").arg(scenarioFile.fileName(), scenario.error()));
    // A remote target (openai, ragflow) needs no knowledge base nor simulator providers here.
    std::unique_ptr<loadtest::RemoteTarget> remote;
    if (scenario->target.kind != loadtest::TargetKind::Embedded) {
        const int connections = scenario->load.model == loadtest::LoadModel::Closed ? scenario->load.users : 1024;
        auto created = loadtest::RemoteTarget::create(scenario->target, connections);
        if (!created)
            return failure(created.error());
        remote = std::move(*created);
    }
    for (const QString &expression : scenario->thresholds) {
        if (auto threshold = loadtest::parseThreshold(expression); !threshold)
            return failure(threshold.error());
    }
    loadtest::QuestionSet questions = scenario->questions;
    if (questions.isEmpty()) {
        auto loaded = loadtest::loadQuestions(scenario->questionsPath);
        if (!loaded)
            return failure(loaded.error());
        questions = *loaded;
    }
    if (!remote) {
        if (auto kb = workspace.knowledgeBase(scenario->target.kb); !kb)
            return failure(kb.error());
    }
    QJsonObject oldReport;
    if (parser.isSet(QStringLiteral("compare"))) {
        QFile old(parser.value(QStringLiteral("compare")));
        if (!old.open(QIODevice::ReadOnly))
            return failure(QStringLiteral("cannot read %1: %2").arg(old.fileName(), old.errorString()));
        oldReport = QJsonDocument::fromJson(old.readAll()).object();
    }

    chat::AskOptions ask;
    ask.save = !scenario->target.assistant.isEmpty();
    ask.assistant = scenario->target.assistant;
    ask.mode = scenario->target.mode == loadtest::EngineMode::Blocking ? chat::AskMode::Blocking : chat::AskMode::Async;
    ask.adHoc.name = QStringLiteral("loadtest");
    ask.adHoc.knowledgeBases = {scenario->target.kb};
    QProcess sim;
    if (!scenario->providers.real && !remote) {
        auto base = startSimulator(sim, scenario->providers);
        if (!base)
            return failure(base.error());
        if (auto configured = simulatorProviders(workspace, *base); !configured)
            return failure(configured.error());
        ask.adHoc.reranker = QStringLiteral("loadtest-rerank");
        ask.adHoc.llm = QStringLiteral("loadtest-chat");
        errLine(QStringLiteral("simulator (%1) at %2").arg(scenario->providers.simulatorFile.isEmpty()
                                                              ? scenario->providers.simulatorProfile
                                                              : scenario->providers.simulatorFile, *base));
    }

    chat::ChatEngineConfig config;
    config.blockingThreads = scenario->target.pool;
    chat::ChatEngine engine(workspace, config);
    loadtest::LoadRunner runner(engine, *scenario, questions, ask);
    if (remote) {
        runner.setRemoteTarget(remote.get());
        errLine(QStringLiteral("remote target at %1").arg(remote->endpoint()));
    }
    const bool live = stderrIsTerminal();
    QObject::connect(&runner, &loadtest::LoadRunner::progress, [&](const loadtest::LoadProgress &p) {
        const QString line = QStringLiteral("%1 %2 s: %3 finished, %4 in flight")
                                 .arg(p.warmup ? QStringLiteral("warm-up") : QStringLiteral("measured"))
                                 .arg(p.elapsedS, 0, 'f', 1).arg(p.finished).arg(p.inFlight);
        if (live)
            std::fputs(("\r\033[K" + line).toUtf8().constData(), stderr);
        else
            errLine(line);
    });
    const CancelTokenPtr stop = CancelToken::create();
    runningLoad.store(stop.get());
    std::signal(SIGINT, onInterrupt);
    QCoro::waitFor(runInto(&runner, stop));
    std::signal(SIGINT, SIG_DFL);
    runningLoad.store(nullptr);
    if (live)
        std::fputs("\n", stderr);
    engine.callLog().flush();
    if (sim.state() != QProcess::NotRunning) {
        sim.terminate();
        sim.waitForFinished(5000);
    }

    const loadtest::RunSummary summary = runner.recorder().summary();
    QList<loadtest::Threshold> thresholds;
    for (const QString &expression : scenario->thresholds)
        thresholds.append(*loadtest::parseThreshold(expression));
    const QList<loadtest::ThresholdResult> results = loadtest::evaluateThresholds(thresholds, summary);
    const QJsonObject report = loadtest::reportJson(*scenario, summary, results);
    const QString dir = parser.isSet(QStringLiteral("report-dir"))
                            ? parser.value(QStringLiteral("report-dir"))
                            : QStringLiteral("loadtest-%1-%2").arg(scenario->name,
                                                                   QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QList<loadtest::TimeBucket> series = runner.recorder().timeSeries();
    if (!QDir().mkpath(dir) || !writeFile(QDir(dir).filePath(QStringLiteral("report.json")), QJsonDocument(report).toJson())
        || !writeFile(QDir(dir).filePath(QStringLiteral("timeseries.csv")), loadtest::timeseriesCsv(series).toUtf8())
        || !writeFile(QDir(dir).filePath(QStringLiteral("report.html")), loadtest::htmlReport(report, series).toUtf8()))
        return failure(QStringLiteral("cannot write the reports into %1").arg(dir));
    out(loadtest::consoleSummary(*scenario, summary, results));
    outLine(QStringLiteral("reports: %1").arg(QDir(dir).absolutePath()));
    if (!oldReport.isEmpty()) {
        auto delta = loadtest::compareReports(oldReport, report);
        if (!delta)
            return failure(delta.error());
        out(*delta);
    }
    for (const auto &r : results) {
        if (!r.ok)
            return kExitFailure; // a threshold failed: scripts and CI see it
    }
    return kExitOk;
}

} // namespace rag::cli
