// Hybrid search against a brute-force reference: every chunk of a small knowledge base scored from
// its stored term counts and stored vector, straight from the definitions (RAGFlow's weighted
// term similarity with BM25 saturation, cosine similarity, the weighted sum, the threshold).
// The indexes are only a faster way to the same ranking and the same scores.
#include "index/builtin_embedder.h"
#include "text/function_words.h"
#include "index/term_counts.h"
#include "index/term_scores.h"
#include "text/text_tokenizer.h"
#include "store/sql.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace rag;

namespace {
const QString kKb = QStringLiteral("ref");

struct StoredChunk {
    qint64 id;
    QByteArray counts;
    std::vector<float> vector;
};

struct Expected {
    qint64 id;
    double hybrid, term, vector;
};

// Words of a small Zipf-like vocabulary, so that some terms are in most chunks and some in few.
QString randomText(QRandomGenerator &random, int words)
{
    static const QStringList vocabulary = QStringLiteral(
        "the of and river stone bridge lantern harbor copper meadow signal orbit pepper glacier falcon"
        " thunder quartz velvet engine ledger marble willow cipher beacon garden tunnel canyon ember"
        " prism saddle timber anchor violet mirror compass").split(QLatin1Char(' '));
    QStringList out;
    for (int i = 0; i < words; ++i) {
        const int rank = int(std::pow(random.generateDouble(), 2.2) * vocabulary.size());
        out.append(vocabulary.at(std::min(rank, int(vocabulary.size()) - 1)));
    }
    return out.join(QLatin1Char(' ')) + QLatin1Char('.');
}
} // namespace

class TestSearchReference : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_t;
    QList<StoredChunk> m_chunks;
    qint64 m_termTotal = 0;

    QList<Expected> reference(const QString &query, const index::SearchOptions &options) const
    {
        QStringList terms;
        const QStringList tokens = rag::text::tokenize(query);
        for (const QString &token : tokens) {
            if (!terms.contains(token))
                terms.append(token);
        }
        QList<index::WeightedTerm> weighted;
        QHash<QString, float> weights;
        for (const QString &term : terms) {
            const quint32 hash = index::termHash(term);
            const qint64 withTerm = std::count_if(m_chunks.cbegin(), m_chunks.cend(), [&](const StoredChunk &c) {
                return index::termCount(c.counts, hash) > 0;
            });
            if (withTerm == 0)
                continue;
            const double weight = index::inverseDocumentFrequency(m_chunks.size(), withTerm)
                * (rag::text::isFunctionWord(term) ? rag::text::kFunctionWordWeight : 1.0);
            weighted.append({hash, weight});
            weights.insert(term, float(weight));
        }
        const std::vector<float> queryVector = index::BuiltinEmbedder().embedTokens(tokens, &weights);
        const double averageLength = double(m_termTotal) / double(m_chunks.size());
        const double w = options.vectorSimilarityWeight;
        QList<Expected> all;
        for (const StoredChunk &chunk : m_chunks) {
            const double term = index::termSimilarity(chunk.counts, weighted, averageLength);
            const double vector = index::dot(queryVector.data(), chunk.vector.data(), index::BuiltinEmbedder::kDimension);
            const double hybrid = (1.0 - w) * term + w * vector;
            if (hybrid >= options.similarityThreshold)
                all.append({chunk.id, hybrid, term, vector});
        }
        std::sort(all.begin(), all.end(), [](const Expected &a, const Expected &b) {
            return a.hybrid != b.hybrid ? a.hybrid > b.hybrid : a.id < b.id;
        });
        return all.mid(0, options.topN);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_t = std::make_unique<test::TempWorkspace>();
        QRandomGenerator random(20261202);
        for (int file = 0; file < 40; ++file) {
            QString body;
            for (int sentence = 0; sentence < 1 + int(random.bounded(4)); ++sentence)
                body += randomText(random, 4 + int(random.bounded(30))) + QLatin1Char(' ');
            QVERIFY(test::writeFile(m_t->path(QStringLiteral("docs/%1.txt").arg(file)), body.toUtf8()));
        }
        m_t->ingest(kKb, {m_t->path(QStringLiteral("docs"))});
        auto rows = store::exec(m_t->workspace->database().connection(),
                                QStringLiteral("SELECT t.chunk_id, t.counts, t.total, v.data FROM chunk_terms t"
                                               " JOIN vectors v ON v.chunk_id = t.chunk_id ORDER BY t.chunk_id"));
        QVERIFY(rows);
        while (rows->next()) {
            m_chunks.append({rows->value(0).toLongLong(), rows->value(1).toByteArray(), index::unpackVector(rows->value(3).toByteArray())});
            m_termTotal += rows->value(2).toLongLong();
        }
        QVERIFY(m_chunks.size() >= 40);
    }

    void sameRankingAndScoresAsBruteForce_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<double>("weight");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("topN");
        const QStringList queries = {QStringLiteral("river stone bridge"), QStringLiteral("the copper lantern of the harbor"),
                                     QStringLiteral("compass"), QStringLiteral("violet mirrors and anchors"),
                                     QStringLiteral("what is a glacier falcon"), QStringLiteral("the of and")};
        for (const QString &query : queries) {
            QTest::addRow("%s, defaults", qPrintable(query)) << query << 0.3 << 0.2 << 6;
            QTest::addRow("%s, every chunk", qPrintable(query)) << query << 0.3 << 0.0 << 1000;
            QTest::addRow("%s, terms only", qPrintable(query)) << query << 0.0 << 0.0 << 10;
            QTest::addRow("%s, vectors only", qPrintable(query)) << query << 1.0 << 0.0 << 10;
            QTest::addRow("%s, half", qPrintable(query)) << query << 0.5 << 0.1 << 3;
        }
    }

    void sameRankingAndScoresAsBruteForce()
    {
        QFETCH(QString, query);
        QFETCH(double, weight);
        QFETCH(double, threshold);
        QFETCH(int, topN);
        index::SearchOptions options;
        options.vectorSimilarityWeight = weight;
        options.similarityThreshold = threshold;
        options.topN = topN;
        const QList<Expected> expected = reference(query, options);
        auto found = m_t->workspace->search(kKb, query, options);
        QVERIFY2(found, qPrintable(found ? QString() : found.error()));
        QCOMPARE(found->hits.size(), expected.size());
        QHash<qint64, Expected> byId;
        for (const Expected &e : expected)
            byId.insert(e.id, e);
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const index::SearchHit &hit = found->hits.at(i);
            // The same chunk at each rank; where two reference scores tie within float rounding
            // (vectors are dotted with SIMD in the index), either order is the same ranking.
            if (hit.chunk.id != expected.at(i).id) {
                QVERIFY2(byId.contains(hit.chunk.id), qPrintable(QStringLiteral("rank %1: chunk %2 is not in the reference")
                                                                     .arg(i).arg(hit.chunk.id)));
                QVERIFY(std::abs(byId.value(hit.chunk.id).hybrid - expected.at(i).hybrid) < 1e-6);
            }
            const Expected &e = byId.value(hit.chunk.id);
            QVERIFY2(std::abs(hit.similarity - e.hybrid) < 1e-6, qPrintable(QString::number(hit.similarity - e.hybrid)));
            QVERIFY(std::abs(hit.termSimilarity - e.term) < 1e-6);
            QVERIFY(std::abs(hit.vectorSimilarity - e.vector) < 1e-6);
        }
    }
};

QTEST_MAIN(TestSearchReference)
#include "tst_search_reference.moc"
