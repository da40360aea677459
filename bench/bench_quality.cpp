// Retrieval quality on a real corpus: the Python documentation's reStructuredText sources from
// Debian's python3-doc. Every section becomes a document; its heading, removed from the text,
// becomes a query whose answer is that section. Reports MRR@10 and recall@10 of ragdesk's hybrid
// search beside plain SQLite FTS5 BM25 over the same chunks and the same query terms.
#include "bench_support.h"

#include "text/text_tokenizer.h"
#include "store/chunk_repository.h"
#include "store/sql.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cstdio>

using namespace rag;

namespace {
struct Section {
    QString heading;
    QString body;
};

bool isUnderline(const QString &line, qsizetype headingLength)
{
    static const QRegularExpression underline(QStringLiteral("^([=\\-~^\"'`#*+<>_])\\1+\\s*$"));
    return line.size() >= std::max<qsizetype>(headingLength, 3) && underline.match(line).hasMatch();
}

// Splits an .rst file at its headings (a line underlined by a run of one punctuation character).
QList<Section> sections(const QString &text)
{
    QList<Section> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    Section current;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty() && i + 1 < lines.size() && isUnderline(lines.at(i + 1), trimmed.size())
            && !isUnderline(line, 1)) {
            out.append(current);
            current = {trimmed, {}};
            ++i;
            continue;
        }
        current.body += line + QLatin1Char('\n');
    }
    out.append(current);
    return out;
}

struct Query {
    QString text;
    QString path; // the section's file
};
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("docs"), QStringLiteral("python3-doc sources"), QStringLiteral("DIR"),
                      QStringLiteral("/usr/share/doc/python3.11/html/_sources")});
    parser.addOption({QStringLiteral("max-queries"), QStringLiteral("queries"), QStringLiteral("N"), QStringLiteral("1000")});
    parser.process(app);

    QTemporaryDir work;
    const QString corpus = work.filePath(QStringLiteral("sections"));
    QDir().mkpath(corpus);
    QMap<QString, QString> headingToPath; // unique headings only
    QSet<QString> repeated;
    int written = 0;
    QStringList sources;
    QDirIterator it(parser.value(QStringLiteral("docs")), {QStringLiteral("*.rst.txt")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        sources.append(it.next());
    sources.sort();
    if (sources.isEmpty())
        qFatal("no .rst.txt files under %s (install python3-doc)", qPrintable(parser.value(QStringLiteral("docs"))));
    for (const QString &source : std::as_const(sources)) {
        QFile file(source);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const Section &section : sections(QString::fromUtf8(file.readAll()))) {
            if (section.heading.isEmpty() || rag::text::tokenize(section.body).size() < 30)
                continue;
            const QString path = QDir(corpus).filePath(QStringLiteral("s%1.txt").arg(written++, 6, 10, QLatin1Char('0')));
            QFile out(path);
            if (!out.open(QIODevice::WriteOnly))
                qFatal("cannot write %s", qPrintable(path));
            out.write(section.body.toUtf8());
            // Headings like "Examples" repeat across sections: they have no single answer.
            const QString heading = QString(section.heading).remove(QRegularExpression(QStringLiteral("^[0-9.]+\\s+")));
            if (headingToPath.contains(heading))
                repeated.insert(heading);
            headingToPath.insert(heading, path);
        }
    }
    QList<Query> queries;
    for (auto q = headingToPath.constBegin(); q != headingToPath.constEnd(); ++q) {
        if (!repeated.contains(q.key()) && rag::text::tokenize(q.key()).size() >= 2)
            queries.append({q.key(), q.value()});
    }
    const int maxQueries = parser.value(QStringLiteral("max-queries")).toInt();
    if (queries.size() > maxQueries) { // every k-th, deterministic
        QList<Query> sampled;
        for (qsizetype i = 0; i < maxQueries; ++i)
            sampled.append(queries.at(i * queries.size() / maxQueries));
        queries = sampled;
    }

    auto workspace = Workspace::open({work.filePath(QStringLiteral("data")), {}, {}});
    if (!workspace || !(*workspace)->createKnowledgeBase({QStringLiteral("pydoc")}))
        qFatal("cannot create the workspace");
    auto job = (*workspace)->ingestJob(QStringLiteral("pydoc"), {corpus});
    const auto report = (*job)->run();
    const auto kb = (*workspace)->knowledgeBase(QStringLiteral("pydoc"));
    const QSqlDatabase db = (*workspace)->database().connection();

    struct Score {
        double reciprocalRank = 0;
        int found = 0;
        void add(int rank) // 1-based, 0 when not in the top 10
        {
            if (rank > 0) {
                reciprocalRank += 1.0 / rank;
                ++found;
            }
        }
    };
    auto rankOf = [](const QStringList &paths, const QString &path) {
        const qsizetype i = paths.indexOf(path);
        return i < 0 || i >= 10 ? 0 : int(i) + 1;
    };
    auto pathsOf = [&](const QList<qint64> &ids) {
        auto views = store::ChunkRepository(db).chunks(ids);
        QStringList paths;
        for (const auto &view : std::as_const(*views))
            paths.append(view.path);
        return paths;
    };

    Score hybrid, hybridNoThreshold, rrf, bm25;
    const QList<double> weights = {0.0, 0.1, 0.5};
    QList<Score> byWeight(weights.size());
    for (const Query &query : std::as_const(queries)) {
        auto run = [&](index::SearchOptions options) {
            options.topN = 10;
            QStringList paths;
            auto result = (*workspace)->search(QStringLiteral("pydoc"), query.text, options);
            for (const auto &hit : std::as_const(result->hits))
                paths.append(hit.chunk.path);
            return rankOf(paths, query.path);
        };
        hybrid.add(run({}));
        index::SearchOptions loose;
        loose.similarityThreshold = 0;
        hybridNoThreshold.add(run(loose));
        for (qsizetype i = 0; i < weights.size(); ++i) {
            index::SearchOptions weighted = loose;
            weighted.vectorSimilarityWeight = weights.at(i);
            byWeight[i].add(run(weighted));
        }
        loose.fusion = index::SearchOptions::Fusion::ReciprocalRank;
        rrf.add(run(loose));
        QStringList terms;
        for (const QString &t : rag::text::tokenize(query.text))
            if (!terms.contains(t))
                terms.append(t);
        bm25.add(rankOf(pathsOf(*store::ChunkRepository(db).fullTextCandidates(kb->id, terms, 10)), query.path));
    }

    const double n = double(queries.size());
    std::printf("Retrieval quality, python3-doc sections, %s\n", qPrintable(bench::machineLine()));
    std::printf("%d sections as documents, %lld chunks, %lld queries (unique headings of 2+ words)\n", written, kb->chunks,
                qint64(queries.size()));
    std::printf("| ranking | MRR@10 | recall@10 |\n|---|---|---|\n");
    for (const auto &[name, score] : {std::pair{"ragdesk hybrid (defaults: w 0.3, threshold 0.2)", hybrid},
                                      std::pair{"ragdesk hybrid, threshold 0", hybridNoThreshold},
                                      std::pair{"ragdesk hybrid candidates, RRF order", rrf},
                                      std::pair{"SQLite FTS5 BM25, same chunks and terms", bm25}})
        std::printf("| %s | %.3f | %.3f |\n", name, score.reciprocalRank / n, double(score.found) / n);
    for (qsizetype i = 0; i < weights.size(); ++i)
        std::printf("| ragdesk hybrid, threshold 0, vector weight %.1f | %.3f | %.3f |\n", weights.at(i),
                    byWeight.at(i).reciprocalRank / n, double(byWeight.at(i).found) / n);
    Q_UNUSED(report);
    return 0;
}
