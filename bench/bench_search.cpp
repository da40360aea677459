// S4 (docs/loadtest.md, "Benchmark scenarios"): hybrid search latency and throughput over N
// chunks, and the vector index's recall@10 against exact search. Builds the corpus and knowledge
// base on first run (also an S5-style ingestion measurement at scale) and reuses them afterwards.
#include "bench_support.h"

#include "index/builtin_embedder.h"
#include "text/function_words.h"
#include "text/text_tokenizer.h"
#include "store/chunk_repository.h"
#include "store/sql.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtConcurrent/QtConcurrentMap>

#include <cstdio>
#include <ctime>

using namespace rag;

namespace {
constexpr int kLinesPerFile = 50;

std::unique_ptr<Workspace> prepare(const QString &workDir, int chunks, index::VectorIndexOptions vectors)
{
    const QString corpus = QDir(workDir).filePath(QStringLiteral("corpus-%1").arg(chunks));
    const QString data = QDir(workDir).filePath(QStringLiteral("data-%1").arg(chunks));
    auto workspace = Workspace::open({data, {}, vectors});
    if (!workspace)
        qFatal("%s", qPrintable(workspace.error()));
    if ((*workspace)->knowledgeBase(QStringLiteral("bench")))
        return std::move(*workspace);

    QElapsedTimer clock;
    clock.start();
    // One line of ~200 tokens per chunk: with 256-token chunks each line is a chunk.
    const qint64 bytes = bench::writeCorpus(corpus, chunks / kLinesPerFile, kLinesPerFile, 42, QStringLiteral(".txt"), 130);
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

// Four words of a random chunk: a query with a known relevant chunk. By default the words are
// content words, skipping the 50 most frequent of the vocabulary (in English those are function
// words, which real questions carry but search damps); anyWords also draws those.
// On real text (an existing knowledge base), "content words" are those that are not English
// function words, and words keep only their letters and digits.
QStringList makeQueries(Workspace &workspace, int count, bool anyWords, bool realText)
{
    QSet<QString> mostFrequent;
    bench::SyntheticText vocabulary(0);
    for (int rank = 0; rank < 50; ++rank)
        mostFrequent.insert(vocabulary.word(rank).toLower());
    auto isFrequent = [&](const QString &word) {
        if (!realText)
            return mostFrequent.contains(word);
        const QStringList tokens = rag::text::tokenize(word);
        return tokens.isEmpty() || rag::text::isFunctionWord(tokens.first());
    };
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
        QStringList words;
        for (QString word : row->value(0).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            word = word.remove(QLatin1Char('.')).toLower();
            if (realText) {
                word.removeIf([](QChar c) { return !c.isLetterOrNumber(); });
                if (word.isEmpty())
                    continue;
            }
            if (anyWords || !isFrequent(word))
                words.append(word);
        }
        if (words.size() < 4)
            continue;
        QStringList picked;
        for (int i = 0; i < 4; ++i)
            picked.append(words.at(random.bounded(int(words.size()))));
        queries.append(picked.join(QLatin1Char(' ')).remove(QLatin1Char('.')));
    }
    return queries;
}

struct Recall {
    double atTen = 0;      // a k=10 search at the index's ef
    double inCandidates = 0; // the first 10 of the k=top_k search hybrid search makes
};

double processCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

Recall vectorRecall(Workspace &workspace, const QString &kbName, const QStringList &queries)
{
    const QSqlDatabase db = workspace.database().connection();
    auto kb = workspace.knowledgeBase(kbName);
    auto index = workspace.vectorIndexes().open(*kb, db);
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
    int foundInCandidates = 0;
    const int topK = index::SearchOptions().topK;
    for (size_t q = 0; q < queryVectors.size(); ++q) {
        const auto approximate = (*index)->search(queryVectors[q].data(), 10);
        const auto candidates = (*index)->search(queryVectors[q].data(), topK).mid(0, 10);
        for (const auto &[score, id] : exact[q]) {
            auto isId = [id = id](const auto &n) { return n.id == id; };
            found += std::any_of(approximate.cbegin(), approximate.cend(), isId);
            foundInCandidates += std::any_of(candidates.cbegin(), candidates.cend(), isId);
        }
    }
    const double total = double(queryVectors.size() * 10);
    return {found / total, foundInCandidates / total};
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
    parser.addOption({QStringLiteral("ef"), QStringLiteral("hnsw ef at query time"), QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("m"), QStringLiteral("hnsw M (with --rebuild-index)"), QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("ef-construction"), QStringLiteral("hnsw ef_construction (with --rebuild-index)"),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("rebuild-index"), QStringLiteral("rebuild the vector index (after changing its options)")});
    parser.addOption({QStringLiteral("any-words"), QStringLiteral("queries may use the most frequent words too")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("search this data dir's knowledge base instead of a synthetic one"),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("kb"), QStringLiteral("the knowledge base (with --data-dir)"), QStringLiteral("NAME"),
                      QStringLiteral("bench")});
    parser.addOption({QStringLiteral("questions"), QStringLiteral("ask these questions (one per line, # comments)"
                                                                  " instead of words drawn from chunks"),
                      QStringLiteral("FILE")});
    parser.process(app);
    const int chunks = parser.value(QStringLiteral("chunks")).toInt();
    const int queryCount = parser.value(QStringLiteral("queries")).toInt();

    index::VectorIndexOptions vectors;
    if (const int ef = parser.value(QStringLiteral("ef")).toInt(); ef > 0)
        vectors.searchEf = ef;
    if (const int m = parser.value(QStringLiteral("m")).toInt(); m > 0)
        vectors.connections = m;
    if (const int efc = parser.value(QStringLiteral("ef-construction")).toInt(); efc > 0)
        vectors.constructionEf = efc;
    if (parser.isSet(QStringLiteral("rebuild-index")))
        QFile::remove(QDir(parser.value(QStringLiteral("work-dir"))).filePath(QStringLiteral("data-%1/vectors/kb-1.hnsw").arg(chunks)));
    const bool realText = parser.isSet(QStringLiteral("data-dir"));
    const QString kbName = parser.value(QStringLiteral("kb"));
    std::unique_ptr<Workspace> workspace;
    if (realText) {
        auto opened = Workspace::open({parser.value(QStringLiteral("data-dir")), {}, vectors});
        if (!opened)
            qFatal("%s", qPrintable(opened.error()));
        workspace = std::move(*opened);
    } else {
        workspace = prepare(parser.value(QStringLiteral("work-dir")), chunks, vectors);
    }
    const auto kb = workspace->knowledgeBase(kbName);
    if (!kb)
        qFatal("%s", qPrintable(kb.error()));
    index::SearchOptions options;
    QStringList queries;
    if (parser.isSet(QStringLiteral("questions"))) {
        QFile file(parser.value(QStringLiteral("questions")));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        for (const QString &line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
            if (!line.trimmed().isEmpty() && !line.startsWith(QLatin1Char('#')))
                queries.append(line.trimmed());
        }
        const QStringList asked = queries;
        while (queries.size() < queryCount) // repeat the set: measured after the first pass is cached
            queries.append(asked);
        queries = queries.mid(0, queryCount);
    } else {
        queries = makeQueries(*workspace, queryCount, parser.isSet(QStringLiteral("any-words")), realText);
    }
    const double coldStart = processCpuMs();
    if (auto first = workspace->search(kbName, queries.first(), options); !first)
        qFatal("%s", qPrintable(first.error()));
    const double firstSearchCpuMs = processCpuMs() - coldStart;
    for (int i = 0; i < 20; ++i) // warm caches and the index
        (void)workspace->search(kbName, queries.at(i % queries.size()), options);

    std::vector<double> latencies;
    qsizetype hits = 0;
    index::SearchTimings stages;
    const double cpuBefore = processCpuMs();
    for (const QString &query : queries) {
        QElapsedTimer clock;
        clock.start();
        auto result = workspace->search(kbName, query, options);
        latencies.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (!result)
            qFatal("%s", qPrintable(result.error()));
        hits += result->hits.size();
        stages.termsMs += result->timings.termsMs;
        stages.fullTextMs += result->timings.fullTextMs;
        stages.vectorMs += result->timings.vectorMs;
        stages.featuresMs += result->timings.featuresMs;
        stages.scoreMs += result->timings.scoreMs;
        stages.fetchMs += result->timings.fetchMs;
    }
    const double cpuPerQuery = (processCpuMs() - cpuBefore) / double(queries.size());

    QElapsedTimer clock;
    clock.start();
    QtConcurrent::blockingMap(QStringList(queries), [&](const QString &query) {
        (void)workspace->search(kbName, query, options);
    });
    const double qps = double(queries.size()) / (double(clock.nsecsElapsed()) / 1e9);
    const Recall recall = vectorRecall(*workspace, kbName, queries.mid(0, 100));

    const char *kind = parser.isSet(QStringLiteral("questions")) ? "question"
                       : parser.isSet(QStringLiteral("any-words")) ? "any-word" : "content-word";
    std::printf("S4 search, %s, %s queries%s\n", qPrintable(bench::machineLine()), kind,
                realText ? qPrintable(QStringLiteral(", knowledge base %1 in %2").arg(kbName, parser.value(QStringLiteral("data-dir"))))
                         : "");
    std::printf("hnsw M %d, ef_construction %d, ef max(%d, k, size / %d)\n", vectors.connections, vectors.constructionEf,
                vectors.searchEf, vectors.efDivisor);
    std::printf("| chunks | p50 ms | p95 ms | p99 ms | CPU ms/query | first search CPU ms | qps (%d threads) | recall@10, k=10 |"
                " recall@10, k=top_k | mean hits |\n",
                QThreadPool::globalInstance()->maxThreadCount());
    std::printf("| %lld | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f | %.3f | %.3f | %.1f |\n", kb->chunks,
                bench::percentile(latencies, 50), bench::percentile(latencies, 95), bench::percentile(latencies, 99),
                cpuPerQuery, firstSearchCpuMs, qps, recall.atTen, recall.inCandidates, double(hits) / double(queries.size()));
    const double n = double(queries.size());
    std::printf("mean ms per stage: terms %.2f, full text %.2f, vector %.2f, features %.2f, score %.2f, fetch %.2f\n",
                stages.termsMs / n, stages.fullTextMs / n, stages.vectorMs / n, stages.featuresMs / n, stages.scoreMs / n,
                stages.fetchMs / n);
    return 0;
}
