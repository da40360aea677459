// S4 (bench/SCENARIOS.md): hybrid search latency and throughput over N chunks, and the vector
// index's recall@10 against exact search. Builds the corpus and knowledge base on first run
// (also an S5-style ingestion measurement at scale) and reuses them afterwards.
#include "bench_support.h"

#include "index/builtin_embedder.h"
#include "store/chunk_repository.h"
#include "store/sql.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtConcurrent/QtConcurrentMap>

#include <cstdio>

using namespace rag;

namespace {
constexpr int kLinesPerFile = 50;

std::unique_ptr<Workspace> prepare(const QString &workDir, int chunks)
{
    const QString corpus = QDir(workDir).filePath(QStringLiteral("corpus-%1").arg(chunks));
    const QString data = QDir(workDir).filePath(QStringLiteral("data-%1").arg(chunks));
    auto workspace = Workspace::open({data, {}, {}});
    if (!workspace)
        qFatal("%s", qPrintable(workspace.error()));
    if ((*workspace)->knowledgeBase(QStringLiteral("bench")))
        return std::move(*workspace);

    QElapsedTimer clock;
    clock.start();
    // One line of ~200 tokens per chunk: with 256-token chunks each line is a chunk.
    const qint64 bytes = bench::writeCorpus(corpus, chunks / kLinesPerFile, kLinesPerFile, 42);
    std::fprintf(stderr, "corpus: %.1f MB in %.1f s\n", double(bytes) / 1e6, double(clock.elapsed()) / 1000);
    store::KnowledgeBaseSpec spec;
    spec.name = QStringLiteral("bench");
    spec.chunkTokens = 256;
    if (auto created = (*workspace)->createKnowledgeBase(spec); !created)
        qFatal("%s", qPrintable(created.error()));
    auto job = (*workspace)->ingestJob(QStringLiteral("bench"), {corpus});
    clock.restart();
    (*job)->setProgressHandler([](const ingest::IngestProgress &p) {
        if (p.filesDone % 500 == 0)
            std::fprintf(stderr, "\ringest %d/%d files, %lld chunks", p.filesDone, p.filesTotal, p.chunksWritten);
    });
    const auto report = (*job)->run();
    const double seconds = double(clock.elapsed()) / 1000;
    std::fprintf(stderr, "\ningested %lld chunks (%.1f MB) in %.1f s: %.0f chunks/s, %.2f MB/s\n", report.chunksWritten,
                 double(report.bytesRead) / 1e6, seconds, double(report.chunksWritten) / seconds,
                 double(report.bytesRead) / 1e6 / seconds);
    return std::move(*workspace);
}

// Four words of a random chunk: a query with a known relevant chunk and realistic term mix.
QStringList makeQueries(Workspace &workspace, int count)
{
    QRandomGenerator random(7);
    auto max = store::exec(workspace.database().connection(), QStringLiteral("SELECT MIN(id), MAX(id) FROM chunks"));
    if (!max || !max->next())
        qFatal("no chunks");
    const qint64 lo = max->value(0).toLongLong();
    const qint64 hi = max->value(1).toLongLong();
    QStringList queries;
    while (queries.size() < count) {
        auto row = store::exec(workspace.database().connection(), QStringLiteral("SELECT content FROM chunks WHERE id = ?"),
                               {lo + qint64(random.bounded(quint64(hi - lo + 1)))});
        if (!row || !row->next())
            continue;
        const QStringList words = row->value(0).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QStringList picked;
        for (int i = 0; i < 4; ++i)
            picked.append(words.at(random.bounded(int(words.size()))));
        queries.append(picked.join(QLatin1Char(' ')).remove(QLatin1Char('.')));
    }
    return queries;
}

double vectorRecall(Workspace &workspace, const QStringList &queries)
{
    const QSqlDatabase db = workspace.database().connection();
    auto kb = workspace.knowledgeBase(QStringLiteral("bench"));
    auto index = workspace.vectorIndexes().open(kb->id, db);
    const int dim = index::BuiltinEmbedder::kDimension;
    std::vector<std::vector<float>> queryVectors;
    for (const QString &q : queries)
        queryVectors.push_back(workspace.embedder().embed(q));
    // Exact top 10 per query in one streaming pass over every stored vector.
    std::vector<std::vector<std::pair<float, qint64>>> exact(queries.size());
    auto visited = store::ChunkRepository(db).forEachVector(kb->id, [&](qint64 id, const QByteArray &data) {
        const float *v = reinterpret_cast<const float *>(data.constData());
        for (size_t q = 0; q < queryVectors.size(); ++q) {
            auto &top = exact[q];
            const float score = index::dot(queryVectors[q].data(), v, dim);
            if (top.size() < 10 || score > top.front().first) {
                top.push_back({score, id});
                std::push_heap(top.begin(), top.end(), std::greater<>());
                if (top.size() > 10) {
                    std::pop_heap(top.begin(), top.end(), std::greater<>());
                    top.pop_back();
                }
            }
        }
    });
    Q_UNUSED(visited);
    int found = 0;
    for (size_t q = 0; q < queryVectors.size(); ++q) {
        const auto approximate = (*index)->search(queryVectors[q].data(), 10);
        for (const auto &[score, id] : exact[q])
            found += std::any_of(approximate.cbegin(), approximate.cend(), [id = id](const auto &n) { return n.id == id; });
    }
    return double(found) / double(queryVectors.size() * 10);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("chunks"), QStringLiteral("corpus size in chunks"), QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("queries"), QStringLiteral("measured queries"), QStringLiteral("Q"), QStringLiteral("300")});
    parser.addOption({QStringLiteral("work-dir"), QStringLiteral("where corpus and data live"), QStringLiteral("DIR"),
                      QDir::temp().filePath(QStringLiteral("ragdesk-bench"))});
    parser.process(app);
    const int chunks = parser.value(QStringLiteral("chunks")).toInt();
    const int queryCount = parser.value(QStringLiteral("queries")).toInt();

    auto workspace = prepare(parser.value(QStringLiteral("work-dir")), chunks);
    const auto kb = workspace->knowledgeBase(QStringLiteral("bench"));
    const QStringList queries = makeQueries(*workspace, queryCount);
    for (int i = 0; i < 20; ++i) // warm caches and the index
        (void)workspace->search(QStringLiteral("bench"), queries.at(i % queries.size()), {});

    std::vector<double> latencies;
    qsizetype hits = 0;
    for (const QString &query : queries) {
        QElapsedTimer clock;
        clock.start();
        auto result = workspace->search(QStringLiteral("bench"), query, {});
        latencies.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (!result)
            qFatal("%s", qPrintable(result.error()));
        hits += result->hits.size();
    }

    QElapsedTimer clock;
    clock.start();
    QtConcurrent::blockingMap(QStringList(queries), [&](const QString &query) {
        (void)workspace->search(QStringLiteral("bench"), query, {});
    });
    const double qps = double(queries.size()) / (double(clock.nsecsElapsed()) / 1e9);
    const double recall = vectorRecall(*workspace, queries.mid(0, 100));

    std::printf("S4 search, %s\n", qPrintable(bench::machineLine()));
    std::printf("| chunks | p50 ms | p95 ms | p99 ms | qps (%d threads) | vector recall@10 | mean hits |\n",
                QThreadPool::globalInstance()->maxThreadCount());
    std::printf("| %lld | %.2f | %.2f | %.2f | %.0f | %.3f | %.1f |\n", kb->chunks, bench::percentile(latencies, 50),
                bench::percentile(latencies, 95), bench::percentile(latencies, 99), qps, recall,
                double(hits) / double(queries.size()));
    return 0;
}
