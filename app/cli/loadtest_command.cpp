#include "cli/cli.h"

#include "cli/console.h"
#include "cli/interrupt_watcher.h"
#include "loadtest/load_test_job.h"
#include "loadtest/report.h"
#include "loadtest/sweep_chart.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>


namespace rag::cli {

namespace {

// `--plot OUT.svg REPORT.json...`: the sweeps of several runs (async beside blocking) in one plot.
int plotCommand(const QString &outPath, const QStringList &reports)
{
    QList<loadtest::SweepCurve> curves;
    for (const QString &path : reports) {
        auto report = loadtest::readReportFile(path);
        if (!report)
            return failure(report.error());
        loadtest::SweepCurve curve = loadtest::sweepCurve(*report);
        if (curve.points.isEmpty())
            return failure(QStringLiteral("%1 has no sweep (run a scenario with load.sweep)").arg(path));
        curves << curve;
    }
    QFile out(outPath);
    const QByteArray svg = loadtest::sweepSvg(curves).toUtf8();
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(svg) != svg.size())
        return failure(QStringLiteral("cannot write %1: %2").arg(outPath, out.errorString()));
    outLine(QStringLiteral("plot: %1").arg(QFileInfo(outPath).absoluteFilePath()));
    return kExitOk;
}

QCoro::Task<void> runInto(loadtest::LoadTestJob *job, CancelTokenPtr stop, Result<loadtest::LoadTestOutcome> *result)
{
    *result = co_await job->run(stop);
}

} // namespace

int loadtestCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral("usage: ragdesk loadtest SCENARIO.json [--report-dir DIR] [--compare OLD_REPORT.json]\n"
                                         "       ragdesk loadtest --plot OUT.svg REPORT.json [REPORT.json ...]");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("scenario"), QStringLiteral("scenario file"));
    parser.addOption({QStringLiteral("report-dir"), QStringLiteral("where reports go"), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("compare"), QStringLiteral("an earlier report.json"), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("plot"), QStringLiteral("plot the sweeps of the given reports"), QStringLiteral("OUT.svg")});
    if (!parser.parse(QStringList{QStringLiteral("loadtest")} + args))
        return usageError(parser.errorText() + QLatin1Char('\n') + usage);
    if (parser.isSet(QStringLiteral("plot"))) {
        if (parser.positionalArguments().isEmpty())
            return usageError(usage);
        return plotCommand(parser.value(QStringLiteral("plot")), parser.positionalArguments());
    }
    if (parser.positionalArguments().size() != 1)
        return usageError(usage);

    auto scenario = loadtest::readScenarioFile(parser.positionalArguments().first());
    if (!scenario)
        return failure(scenario.error());
    auto questions = loadtest::scenarioQuestions(*scenario);
    if (!questions)
        return failure(questions.error());
    QJsonObject oldReport;
    if (parser.isSet(QStringLiteral("compare"))) {
        auto old = loadtest::readReportFile(parser.value(QStringLiteral("compare")));
        if (!old)
            return failure(old.error());
        oldReport = *old;
    }

    loadtest::LoadTestJob job(workspace, *scenario, *questions);
    QObject::connect(&job, &loadtest::LoadTestJob::status, [](const QString &line) { errLine(line); });
    const bool live = stderrIsTerminal();
    QObject::connect(&job, &loadtest::LoadTestJob::progress, [&](const loadtest::LoadProgress &p) {
        QString line = QStringLiteral("%1 %2 s: %3 finished, %4 in flight")
                           .arg(p.warmup ? QStringLiteral("warm-up") : QStringLiteral("measured"))
                           .arg(p.elapsedS, 0, 'f', 1).arg(p.finished).arg(p.inFlight);
        if (p.steps > 1)
            line = QStringLiteral("step %1/%2 (%3): ").arg(p.step + 1).arg(p.steps).arg(p.load) + line;
        if (live)
            std::fputs(("\r\033[K" + line).toUtf8().constData(), stderr);
        else
            errLine(line);
    });
    const CancelTokenPtr stop = CancelToken::create();
    Result<loadtest::LoadTestOutcome> outcome = fail(QStringLiteral("the run did not start"));
    {
        const InterruptWatcher interrupt([stop] { stop->cancel(); }); // the run stops, what finished is reported
        QCoro::waitFor(runInto(&job, stop, &outcome));
    }
    if (live)
        std::fputs("\n", stderr);
    if (!outcome)
        return failure(outcome.error());

    const QString dir = parser.isSet(QStringLiteral("report-dir"))
                            ? parser.value(QStringLiteral("report-dir"))
                            : QStringLiteral("loadtest-%1-%2").arg(scenario->name,
                                                                   QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    if (auto written = loadtest::writeReports(dir, *outcome); !written)
        return failure(written.error());
    out(loadtest::consoleSummary(*scenario, outcome->summary, outcome->thresholds, outcome->report));
    outLine(QStringLiteral("reports: %1").arg(QDir(dir).absolutePath()));
    if (!oldReport.isEmpty()) {
        auto delta = loadtest::compareReports(oldReport, outcome->report);
        if (!delta)
            return failure(delta.error());
        out(*delta);
    }
    return outcome->passed() ? kExitOk : kExitFailure; // a failed threshold: scripts and CI see it
}

} // namespace rag::cli
