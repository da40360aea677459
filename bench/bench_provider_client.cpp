// The provider client's own cost (issue: "CPU microseconds per rerank call, per streamed event").
// The simulator runs as its own process (`ragdesk sim`), so this process's CPU time is the
// client's alone: request building, admission, Qt's HTTP machinery on the managers' threads,
// reply parsing, score normalisation. Calls go out `--concurrency` at a time with no latency, so
// the numbers are per-call overhead, not waiting.
#include "providers/chat/http_chat_model.h"
#include "providers/http/provider_http_client.h"
#include "providers/rerank/http_reranker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <qcoro/qcorotask.h>

#include <cstdio>
#include <deque>
#include <sys/resource.h>

using namespace rag;
using namespace rag::providers;

namespace {

double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Measured {
    double wallSeconds = 0;
    double cpuSeconds = 0;
    qint64 units = 0; // calls or events
    int failures = 0;
};

QStringList documents()
{
    QStringList docs;
    for (int i = 0; i < 10; ++i)
        docs.append(QStringLiteral("Document %1 talks about sea otters, kelp forests, tides and the animals that live "
                                   "along the Pacific coast, with a few more words to make it a realistic chunk %1.")
                        .arg(i));
    return docs;
}

// Keeps `concurrency` calls in flight until `total` have been made; `start` makes call i.
template <typename Start>
QCoro::Task<int> runWindow(int total, int concurrency, Start start)
{
    std::deque<QCoro::Task<bool>> window;
    int next = 0;
    int failures = 0;
    while (next < total && int(window.size()) < concurrency)
        window.push_back(start(next++));
    while (!window.empty()) {
        failures += (co_await std::move(window.front())) ? 0 : 1;
        window.pop_front();
        if (next < total)
            window.push_back(start(next++));
    }
    co_return failures;
}

QCoro::Task<bool> oneRerank(HttpReranker *reranker)
{
    RerankRequest request;
    request.query = QStringLiteral("sea otters kelp");
    request.documents = documents();
    const auto result = co_await reranker->rerank(request);
    co_return result.ok();
}

QCoro::Task<bool> oneStream(HttpChatModel *model, qint64 *events)
{
    ChatRequest request;
    request.messages = {{QStringLiteral("user"), QStringLiteral("tell me about sea otters and kelp")}};
    request.maxTokens = 100000;
    auto answer = co_await model->complete(request, [events](const ChatDelta &) { ++*events; });
    co_return answer.ok();
}

template <typename Body>
Measured measure(qint64 units, Body body)
{
    Measured m;
    const double cpu0 = processCpuSeconds();
    QElapsedTimer clock;
    clock.start();
    m.failures = body();
    m.wallSeconds = double(clock.nsecsElapsed()) / 1e9;
    m.cpuSeconds = processCpuSeconds() - cpu0;
    m.units = units;
    return m;
}

void report(const char *what, const Measured &m, const char *unit)
{
    std::printf("| %s | %lld | %.0f | %.1f | %.0f | %d |\n", what, m.units, double(m.units) / m.wallSeconds,
                m.cpuSeconds * 1e6 / double(m.units), m.cpuSeconds / m.wallSeconds * 100.0, m.failures);
    (void)unit;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("ragdesk"), QStringLiteral("the ragdesk binary (runs the simulator)"), QStringLiteral("PATH"),
                      QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../app/ragdesk"))});
    parser.addOption({QStringLiteral("calls"), QStringLiteral("rerank calls"), QStringLiteral("N"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("concurrency"), QStringLiteral("calls in flight"), QStringLiteral("N"), QStringLiteral("64")});
    parser.addOption({QStringLiteral("streams"), QStringLiteral("chat streams"), QStringLiteral("N"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("tokens"), QStringLiteral("tokens per stream (one per event)"), QStringLiteral("N"),
                      QStringLiteral("256")});
    parser.process(app);
    const int calls = parser.value(QStringLiteral("calls")).toInt();
    const int concurrency = parser.value(QStringLiteral("concurrency")).toInt();
    const int streams = parser.value(QStringLiteral("streams")).toInt();
    const int tokens = parser.value(QStringLiteral("tokens")).toInt();

    QTemporaryDir dir;
    const QString profile = dir.filePath(QStringLiteral("profile.json"));
    QFile file(profile);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write the profile");
    file.write(QStringLiteral(R"({"endpoints":{"chat":{"stream_tokens":%1,"tokens_per_event":1}}})").arg(tokens).toUtf8());
    file.close();
    QProcess sim;
    sim.start(parser.value(QStringLiteral("ragdesk")),
              {QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--profile"), profile});
    if (!sim.waitForStarted(10000) || !sim.waitForReadyRead(10000))
        qFatal("cannot start ragdesk sim");
    const QString base = QRegularExpression(QStringLiteral("(http://\\S+)")).match(QString::fromUtf8(sim.readLine())).captured(1);

    std::printf("machine: %d cores; simulator: separate process, no latency; concurrency %d\n\n",
                QThread::idealThreadCount(), concurrency);
    std::printf("| what | count | per second | CPU us each | CPU %% of one core | failures |\n|---|---|---|---|---|---|\n");

    HttpClientConfig config{QStringLiteral("bench")};
    config.maxConnections = concurrency;
    ProviderHttpClient client(config);
    ProviderSettings jina{QStringLiteral("bench"), ProviderKind::Jina, base + QStringLiteral("/jina/v1"), QStringLiteral("m")};
    HttpReranker reranker(jina, &client, nullptr);
    QCoro::waitFor(runWindow(500, concurrency, [&](int) { return oneRerank(&reranker); })); // connections, caches

    report("rerank call, async (10 documents)", measure(calls, [&] {
               return QCoro::waitFor(runWindow(calls, concurrency, [&](int) { return oneRerank(&reranker); }));
           }), "call");

    QThreadPool blockingPool;
    blockingPool.setMaxThreadCount(concurrency);
    const int blockingCalls = calls / 4;
    std::vector<int> indexes(static_cast<size_t>(blockingCalls), 0);
    report("rerank call, blocking (10 documents)", measure(blockingCalls, [&] {
               std::atomic<int> failures{0};
               QtConcurrent::blockingMap(&blockingPool, indexes, [&](int &) {
                   if (!reranker.rerankBlocking({QStringLiteral("sea otters kelp"), documents()}))
                       ++failures;
               });
               return failures.load();
           }), "call");

    for (const auto &[kindName, path] : {std::pair{"openai-compatible", "/openai/v1"}, std::pair{"ollama", "/ollama"}}) {
        ProviderSettings chat{QStringLiteral("bench"), *kindFromName(QString::fromLatin1(kindName)),
                              base + QString::fromLatin1(path), QStringLiteral("m")};
        HttpChatModel model(chat, &client);
        qint64 events = 0;
        QCoro::waitFor(runWindow(20, concurrency, [&](int) { return oneStream(&model, &events); }));
        events = 0;
        Measured m = measure(0, [&] {
            return QCoro::waitFor(runWindow(streams, concurrency, [&](int) { return oneStream(&model, &events); }));
        });
        m.units = events;
        const QString label = QStringLiteral("streamed event, %1").arg(QString::fromLatin1(kindName));
        report(qPrintable(label), m, "event");
    }
    const HttpClientStats stats = client.stats();
    std::printf("\nclient: %lld completed, %lld failed, %d managers, latency p50 %lld us p99 %lld us\n", stats.completed,
                stats.failed, stats.managers, stats.latency.percentile(0.5), stats.latency.percentile(0.99));
    sim.terminate();
    sim.waitForFinished();
    return 0;
}
