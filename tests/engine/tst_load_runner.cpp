// The load runner against the embedded engine (built-in providers: fast and offline): closed and
// open models produce counts that add up, latencies from the intended start, runtime peaks; and
// `ragdesk loadtest` writes its reports, compares runs and fails on a broken threshold.
#include "chat/chat_engine.h"
#include "loadtest/arrival_schedule.h"
#include "loadtest/load_runner.h"
#include "loadtest/report.h"
#include "store/provider_repository.h"
#include "support/await_task.h"
#include "support/cli_runner.h"
#include "support/fixtures.h"
#include "support/perf_checks.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <optional>

using namespace rag;
using namespace rag::loadtest;

namespace {

QCoro::Task<void> runInto(LoadRunner *runner)
{
    co_await runner->run(CancelToken::create(), 10.0);
}

} // namespace

class TestLoadRunner : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;

    // Empty (and the test failed) when the scenario does not parse: callers QVERIFY the result.
    std::optional<Scenario> scenario(const QByteArray &load)
    {
        const QByteArray json = R"({"name": "t", "target": {"kind": "embedded", "kb": "nature"},
                                    "providers": "real", "questions": ["Why do sea otters hold hands?", "What do bees do?"],
                                    "thresholds": ["p95(ttfc) < 5000ms", "error_rate < 1%"], "load": )" + load + "}";
        auto parsed = parseScenario(json, m_ws->path(QString()));
        if (!parsed) {
            QTest::qFail(qPrintable(QStringLiteral("scenario: ") + parsed.error()), __FILE__, __LINE__);
            return std::nullopt;
        }
        return *parsed;
    }

    RunSummary run(const Scenario &s)
    {
        chat::ChatEngine engine(*m_ws->workspace);
        chat::AskOptions ask;
        ask.save = false;
        ask.adHoc.name = QStringLiteral("load");
        ask.adHoc.knowledgeBases = {QStringLiteral("nature")};
        LoadRunner runner(engine, s, s.questions, ask);
        QCoro::waitFor(runInto(&runner));
        return runner.recorder().summary();
    }

private slots:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")), "# Bees\nHoney bees dance to show where flowers are.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
    }

    void cleanup() { m_ws.reset(); }

    void closedModelCountsAddUp()
    {
        const auto parsed = scenario(R"({"model": "closed", "users": 4, "think_ms": 20, "warmup_s": 0.3, "duration_s": 1})");
        QVERIFY(parsed);
        const Scenario &s = *parsed;
        const RunSummary summary = run(s);
        QCOMPARE(summary.recorded, summary.warmup + summary.completed + summary.failed + summary.cancelled);
        QVERIFY2(summary.completed > 0, qPrintable(QString::number(summary.completed)));
        if (test::perfChecks()) // four users with 20 ms think time answer far more than twice a second each
            QVERIFY2(summary.completed > 8, qPrintable(QString::number(summary.completed)));
        QCOMPARE(summary.failed, 0);
        QVERIFY(summary.stages.contains(QStringLiteral("ttfc")));
        QVERIFY(summary.stages.contains(QStringLiteral("search")));
        QVERIFY(summary.throughputRps > 0);
        QVERIFY(summary.threadsPeak > 1); // the monitor sampled the run
        QVERIFY(summary.rssPeakMb > 0);
        const auto results = evaluateThresholds({*parseThreshold(QStringLiteral("p95(ttfc) < 5000ms")),
                                                 *parseThreshold(QStringLiteral("p95(ttfc) < 0.001ms"))},
                                                summary);
        QVERIFY(results.at(0).ok);
        QVERIFY(!results.at(1).ok); // nothing answers in a microsecond
    }

    // One admission slot, every answer holding it for at least 100 ms (the simulated model's
    // first event), sixty users, a 300 ms deadline: most requests could not start in time and
    // are refused as "overloaded", and each refused user waits a second before asking again
    // instead of asking in a loop.
    void refusedUsersBackOff()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(
            R"({"endpoints":{"chat":{"latency":{"model":"fixed","ms":100},"stream_tokens":2,"tokens_per_s":1000}}})");
        store::ProviderRecord chat;
        chat.name = QStringLiteral("sim-chat");
        chat.kind = QStringLiteral("openai-compatible");
        chat.baseUrl = sim.url(QStringLiteral("/openai/v1"));
        chat.model = QStringLiteral("sim-model");
        chat.timeoutMs = 10'000;
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(chat).ok());

        const auto parsed = scenario(R"({"model": "closed", "users": 60, "think_ms": 0, "duration_s": 2})");
        QVERIFY(parsed);
        const Scenario &s = *parsed;
        chat::ChatEngineConfig config;
        config.maxConcurrent = 1;
        chat::ChatEngine engine(*m_ws->workspace, config);
        chat::AskOptions ask;
        ask.save = false;
        ask.deadline = std::chrono::milliseconds(300);
        ask.adHoc.name = QStringLiteral("load");
        ask.adHoc.knowledgeBases = {QStringLiteral("nature")};
        ask.adHoc.llm = QStringLiteral("sim-chat");
        LoadRunner runner(engine, s, s.questions, ask);
        QCoro::waitFor(runInto(&runner));
        const RunSummary summary = runner.recorder().summary();
        const qint64 refused = summary.errorsByKind.value(QStringLiteral("overloaded"));
        QVERIFY2(refused > 0, qPrintable(QStringLiteral("completed %1, failed %2 (%3)").arg(summary.completed).arg(summary.failed).arg(QStringList(summary.errorsByKind.keys()).join(u' '))));
        QVERIFY2(summary.completed > 0, qPrintable(QString::number(refused)));
        // At most one refusal per user per second of the run (and one at its start).
        qInfo("%lld answered, %lld refused, %lld failed", summary.completed, refused, summary.failed);
        QVERIFY2(refused <= 60 * 3, qPrintable(QString::number(refused)));
    }

    // Every failure is counted under the kind named where it happened, never under a catch-all
    // "error": the simulated chat model fails one way per row, every time.
    void failuresAreCountedByTheKindNamedWhereTheyHappen_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<int>("deadlineMs");
        QTest::addColumn<QString>("kind");
        QTest::newRow("a 503 after retries") << QByteArray(R"({"kind": "status", "status": 503})") << 20'000
                                             << QStringLiteral("provider_http_503");
        QTest::newRow("a 400") << QByteArray(R"({"kind": "status", "status": 400})") << 20'000 << QStringLiteral("provider_http_400");
        QTest::newRow("a stream cut midway") << QByteArray(R"({"kind": "truncate"})") << 20'000 << QStringLiteral("stream_cut");
        QTest::newRow("a malformed event") << QByteArray(R"({"kind": "malformed"})") << 20'000 << QStringLiteral("malformed");
        // A chat model's first-byte budget is the rest of the request's deadline.
        QTest::newRow("a hang") << QByteArray(R"({"kind": "hang"})") << 400 << QStringLiteral("deadline");
    }

    void failuresAreCountedByTheKindNamedWhereTheyHappen()
    {
        QFETCH(QByteArray, fault);
        QFETCH(int, deadlineMs);
        QFETCH(QString, kind);
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":16,"tokens_per_event":2,"tokens_per_s":400,"faults":[)" + fault
                           + "]}}}");
        store::ProviderRecord chat;
        chat.name = QStringLiteral("sim-chat");
        chat.kind = QStringLiteral("openai-compatible");
        chat.baseUrl = sim.url(QStringLiteral("/openai/v1"));
        chat.model = QStringLiteral("sim-model");
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(chat).ok());

        const auto parsed = scenario(R"({"model": "closed", "users": 2, "think_ms": 0, "iterations": 2})");
        QVERIFY(parsed);
        chat::ChatEngine engine(*m_ws->workspace);
        chat::AskOptions ask;
        ask.save = false;
        ask.deadline = std::chrono::milliseconds(deadlineMs);
        ask.adHoc.name = QStringLiteral("load");
        ask.adHoc.knowledgeBases = {QStringLiteral("nature")};
        ask.adHoc.llm = QStringLiteral("sim-chat");
        LoadRunner runner(engine, *parsed, parsed->questions, ask);
        QCoro::waitFor(runInto(&runner));
        const RunSummary summary = runner.recorder().summary();
        QCOMPARE(summary.completed, qint64(0));
        QCOMPARE(summary.failed, qint64(4));
        QCOMPARE(summary.errorsByKind.keys(), QList<QString>{kind});
        QCOMPARE(summary.errorsByKind.value(kind), qint64(4));
    }

    void openModelSendsOnSchedule()
    {
        const auto parsed = scenario(R"({"model": "open", "rate": 20, "arrival": "constant", "warmup_s": 0.5, "duration_s": 1})");
        QVERIFY(parsed);
        const Scenario &s = *parsed;
        const RunSummary summary = run(s);
        // Every scheduled arrival (about 30 in 1.5 s at 20/s) is sent and recorded, none lost.
        const QList<qint64> arrivals = openArrivalsNs(s.load, s.seed);
        qint64 measured = 0;
        for (qint64 at : arrivals)
            measured += at >= qint64(s.load.warmupS * 1e9) ? 1 : 0;
        QVERIFY(arrivals.size() >= 29 && arrivals.size() <= 30);
        QCOMPARE(summary.recorded, qint64(arrivals.size()));
        QCOMPARE(summary.warmup + summary.completed + summary.failed + summary.cancelled, summary.recorded);
        QCOMPARE(summary.completed, measured);
        QCOMPARE(summary.stages.value(QStringLiteral("schedule_lag")).count, measured);
    }

    void commandWritesReportsComparesAndFailsThresholds()
    {
        const QString data = m_ws->path(QStringLiteral("cli"));
        QCOMPARE(test::runRagdesk(data, {QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("nature")}).exitCode, 0);
        QCOMPARE(test::runRagdesk(data, {QStringLiteral("ingest"), QStringLiteral("nature"), m_ws->path(QStringLiteral("docs"))}).exitCode, 0);
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("questions.txt")), "Why do sea otters hold hands?\nWhat do bees do?\n"));
        // A provider of the user's with the name the run gives its simulator's reranker.
        QCOMPARE(test::runRagdesk(data, {QStringLiteral("providers"), QStringLiteral("add"), QStringLiteral("loadtest-rerank"),
                                         QStringLiteral("--kind"), QStringLiteral("cohere"), QStringLiteral("--base-url"),
                                         QStringLiteral("http://127.0.0.1:9/v1"), QStringLiteral("--model"), QStringLiteral("mine")})
                     .exitCode,
                 0);
        const QByteArray scenarioJson = R"({"name": "cli", "target": {"kind": "embedded", "kb": "nature"},
            "providers": {"simulator": {"profile": "instant"}}, "questions": "questions.txt",
            "load": {"model": "closed", "users": 3, "warmup_s": 0.2, "duration_s": 1},
            "thresholds": ["p95(ttfc) < 5000ms", "error_rate < 1%"]})";
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("ok.json")), scenarioJson));
        const test::CliRun first = test::runRagdesk(data, {QStringLiteral("loadtest"), m_ws->path(QStringLiteral("ok.json")),
                                                           QStringLiteral("--report-dir"), m_ws->path(QStringLiteral("r1"))});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err + first.out));
        QFile reportFile(m_ws->path(QStringLiteral("r1/report.json")));
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
        for (const char *key : {"requests", "throughput_rps", "stages", "threads_peak", "rss_peak_mb", "loop_lag_p99_ms", "thresholds"})
            QVERIFY2(report.contains(QString::fromLatin1(key)), key);
        const QJsonObject requests = report.value(QStringLiteral("requests")).toObject();
        QVERIFY(requests.value(QStringLiteral("completed")).toInt() > 0);
        QVERIFY(report.value(QStringLiteral("stages")).toObject().contains(QStringLiteral("ttfc")));
        QVERIFY(report.value(QStringLiteral("stages")).toObject().contains(QStringLiteral("e2e")));
        QVERIFY(QFile::exists(m_ws->path(QStringLiteral("r1/timeseries.csv"))));
        QVERIFY(first.out.contains(QStringLiteral("PASS")));
        // The simulator's providers lived in the run's engine only: the user's are as they were.
        const test::CliRun providers = test::runRagdesk(data, {QStringLiteral("providers"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray configured = QJsonDocument::fromJson(providers.out.toUtf8()).array();
        QCOMPARE(configured.size(), 1);
        QCOMPARE(configured.at(0)[QStringLiteral("base_url")].toString(), QStringLiteral("http://127.0.0.1:9/v1"));
        QCOMPARE(configured.at(0)[QStringLiteral("kind")].toString(), QStringLiteral("cohere"));
        // ... and so were its rerank calls, logged apart: the user's call log has none of them.
        QVERIFY(report.value(QStringLiteral("stages")).toObject().contains(QStringLiteral("rerank")));
        const test::CliRun calls = test::runRagdesk(data, {QStringLiteral("calls"), QStringLiteral("--json")});
        QCOMPARE(calls.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(calls.out.toUtf8()).array().size(), 0);

        // The same run with an impossible threshold: exit 1, and the comparison with the first.
        QByteArray strict = scenarioJson;
        strict.replace("p95(ttfc) < 5000ms", "p95(ttfc) < 0.001ms");
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("strict.json")), strict));
        const test::CliRun second = test::runRagdesk(data, {QStringLiteral("loadtest"), m_ws->path(QStringLiteral("strict.json")),
                                                            QStringLiteral("--report-dir"), m_ws->path(QStringLiteral("r2")),
                                                            QStringLiteral("--compare"), m_ws->path(QStringLiteral("r1/report.json"))});
        QCOMPARE(second.exitCode, 1);
        QVERIFY(second.out.contains(QStringLiteral("FAIL")));
        QVERIFY2(second.out.contains(QStringLiteral("ttfc p95")), qPrintable(second.out));

        const test::CliRun bad = test::runRagdesk(data, {QStringLiteral("loadtest"), m_ws->path(QStringLiteral("missing.json"))});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(!bad.err.isEmpty());
    }

    // A closed sweep through the command: one measured step per load, the whole run adding them
    // up, the saturation hint, the plot of two runs side by side.
    void sweepReportsEveryStepAndPlots()
    {
        const QString data = m_ws->path(QStringLiteral("sweep"));
        QCOMPARE(test::runRagdesk(data, {QStringLiteral("kb"), QStringLiteral("create"), QStringLiteral("nature")}).exitCode, 0);
        QCOMPARE(test::runRagdesk(data, {QStringLiteral("ingest"), QStringLiteral("nature"), m_ws->path(QStringLiteral("docs"))}).exitCode, 0);
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("sweep.json")), R"({"name": "sweep", "target": {"kind": "embedded", "kb": "nature"},
            "providers": {"simulator": {"profile": "instant"}}, "questions": ["Why do sea otters hold hands?", "What do bees do?"],
            "load": {"model": "closed", "sweep": [1, 4], "warmup_s": 0.2, "duration_s": 1}})"));
        const test::CliRun run = test::runRagdesk(data, {QStringLiteral("loadtest"), m_ws->path(QStringLiteral("sweep.json")),
                                                         QStringLiteral("--report-dir"), m_ws->path(QStringLiteral("rs"))});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        QVERIFY2(run.err.contains(QStringLiteral("step 2/2 (4)")), qPrintable(run.err));
        QFile reportFile(m_ws->path(QStringLiteral("rs/report.json")));
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
        const QJsonArray steps = report[QStringLiteral("sweep")][QStringLiteral("steps")].toArray();
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps.at(0)[QStringLiteral("load")].toDouble(), 1.0);
        QCOMPARE(steps.at(1)[QStringLiteral("load")].toDouble(), 4.0);
        int completed = 0;
        for (const QJsonValue &step : steps) {
            QVERIFY(step[QStringLiteral("requests")][QStringLiteral("completed")].toInt() > 0);
            QVERIFY(step[QStringLiteral("ttfc")][QStringLiteral("p95")].toDouble() > 0);
            QVERIFY(step[QStringLiteral("cpu")][QStringLiteral("ms_per_request")].toDouble() > 0);
            // The simulator ran as its own process: its CPU is given apart (ticks of 10 ms, so
            // a short instant step may measure none).
            QVERIFY(step[QStringLiteral("cpu")][QStringLiteral("simulator_ms_per_request")].toDouble() >= 0);
            QVERIFY(step[QStringLiteral("cpu")].toObject().contains(QStringLiteral("simulator_ms_per_request")));
            QVERIFY(step[QStringLiteral("resources")].toObject().contains(QStringLiteral("pool:cpu")));
            completed += step[QStringLiteral("requests")][QStringLiteral("completed")].toInt();
        }
        QCOMPARE(report[QStringLiteral("requests")][QStringLiteral("completed")].toInt(), completed);
        // Four users get more done than one: the engine is nowhere near saturated at this load.
        if (test::perfChecks())
            QVERIFY(steps.at(1)[QStringLiteral("throughput_rps")].toDouble() > steps.at(0)[QStringLiteral("throughput_rps")].toDouble());
        QVERIFY(!report[QStringLiteral("saturation")][QStringLiteral("text")].toString().isEmpty());
        QVERIFY2(run.out.contains(QStringLiteral("cpu ms/req")), qPrintable(run.out));
        QVERIFY(QFile::exists(m_ws->path(QStringLiteral("rs/sweep.svg"))));
        QFile html(m_ws->path(QStringLiteral("rs/report.html")));
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray page = html.readAll();
        QVERIFY(page.contains("id=\"sweep\""));
        QVERIFY(page.contains("id=\"chart-sweep\""));

        const QString plot = m_ws->path(QStringLiteral("both.svg"));
        const test::CliRun plotted = test::runRagdesk(data, {QStringLiteral("loadtest"), QStringLiteral("--plot"), plot,
                                                             m_ws->path(QStringLiteral("rs/report.json")), m_ws->path(QStringLiteral("rs/report.json"))});
        QVERIFY2(plotted.exitCode == 0, qPrintable(plotted.err));
        QFile svg(plot);
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QCOMPARE(svg.readAll().count("class=\"curve\""), 4);
        // A report without a sweep cannot be plotted against load: said, not drawn empty.
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("flat.json")), R"({"schema": 1, "name": "flat"})"));
        const test::CliRun flat = test::runRagdesk(data, {QStringLiteral("loadtest"), QStringLiteral("--plot"), plot,
                                                          m_ws->path(QStringLiteral("flat.json"))});
        QCOMPARE(flat.exitCode, 1);
        QVERIFY2(flat.err.contains(QStringLiteral("has no sweep")), qPrintable(flat.err));
    }
};

QTEST_GUILESS_MAIN(TestLoadRunner)
#include "tst_load_runner.moc"
