#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QDir>
#include <QTest>

using namespace rag;

namespace {
struct Doc {
    const char *file;
    const char *text;
};

const Doc kCorpus[] = {
    {"otters.md", "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart. "
                  "They wrap themselves in kelp to stay anchored."},
    {"beavers.md", "# Beavers\nBeavers build dams and lodges from branches, mud and stones. "
                   "Their teeth never stop growing, so they keep gnawing wood."},
    {"owls.md", "# Owls\nOwls hunt at night. Their feathers have soft edges, so their flight is almost silent."},
    {"bees.md", "# Honey bees\nHoney bees tell each other where flowers are with a waggle dance. "
                "The angle of the dance points at the food relative to the sun."},
    {"tides.md", "# Tides\nThe moon's gravity pulls the oceans, which makes high and low tides twice a day."},
    {"bread.md", "# Sourdough\nSourdough bread rises because wild yeast and lactic acid bacteria ferment the dough."},
    {"zh.md", "# 海獭\n海獭睡觉的时候会手牵手，这样就不会漂走。它们用海带把自己缠住。"},
    {"ja.md", "# ふくろう\nフクロウは夜に狩りをします。羽の縁が柔らかいので、ほとんど音を立てずに飛びます。"},
};
} // namespace

class TestHybridSearch : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_t;

    QList<index::SearchHit> search(const QString &query, index::SearchOptions options = {})
    {
        auto result = m_t->workspace->search(QStringLiteral("animals"), query, options);
        if (!result)
            qWarning("search failed: %s", qPrintable(result.error()));
        return result ? result->hits : QList<index::SearchHit>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_t = std::make_unique<test::TempWorkspace>();
        for (const Doc &doc : kCorpus)
            QVERIFY(test::writeFile(m_t->path(QStringLiteral("corpus/") + QString::fromLatin1(doc.file)), doc.text));
        const auto report = m_t->ingest(QStringLiteral("animals"), {m_t->path(QStringLiteral("corpus"))});
        QCOMPARE(report.count(ingest::IngestFileOutcome::Status::Added), int(std::size(kCorpus)));
    }

    void knownAnswersRankFirst_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("document");
        QTest::newRow("otters") << "why do sea otters hold hands" << "otters.md";
        QTest::newRow("beavers") << "what do beavers build dams from" << "beavers.md";
        QTest::newRow("owls") << "how can owls fly silently at night" << "owls.md";
        QTest::newRow("bees") << "bees dance to show flowers" << "bees.md";
        QTest::newRow("tides") << "what causes tides" << "tides.md";
        QTest::newRow("bread") << "yeast ferment dough" << "bread.md";
        QTest::newRow("case and punctuation") << "SOURDOUGH?!" << "bread.md";
    }

    void knownAnswersRankFirst()
    {
        QFETCH(QString, query);
        QFETCH(QString, document);
        const auto hits = search(query);
        QVERIFY2(!hits.isEmpty(), qPrintable(query));
        QCOMPARE(hits.first().chunk.document, document);
    }

    void scoresFollowRagflowsFormula()
    {
        index::SearchOptions options;
        options.vectorSimilarityWeight = 0.3;
        options.similarityThreshold = 0.0;
        options.topN = 8;
        const auto hits = search(QStringLiteral("otters sleep in kelp"), options);
        QVERIFY(hits.size() >= 2);
        for (qsizetype i = 0; i < hits.size(); ++i) {
            const auto &hit = hits.at(i);
            QVERIFY(qAbs(hit.similarity - (0.7 * hit.termSimilarity + 0.3 * hit.vectorSimilarity)) < 1e-9);
            QVERIFY(hit.termSimilarity >= 0 && hit.termSimilarity <= 1);
            if (i > 0)
                QVERIFY(hits.at(i - 1).similarity >= hit.similarity);
        }
        // Every query term is in the otters chunk, so no other chunk has a higher term similarity.
        QCOMPARE(hits.first().chunk.document, QStringLiteral("otters.md"));
        for (const auto &hit : hits)
            QVERIFY(hit.termSimilarity <= hits.first().termSimilarity);
    }

    void thresholdAndTopNLimitResults()
    {
        index::SearchOptions loose;
        loose.similarityThreshold = 0.0;
        loose.topN = 100;
        const auto all = search(QStringLiteral("the"), loose);
        index::SearchOptions strict = loose;
        strict.similarityThreshold = 0.9;
        QVERIFY(search(QStringLiteral("the"), strict).size() < all.size());
        loose.topN = 2;
        QCOMPARE(search(QStringLiteral("the"), loose).size(), 2);
    }

    void vectorSimilarityFindsWordVariants()
    {
        index::SearchOptions options;
        options.similarityThreshold = 0.0;
        const auto hits = search(QStringLiteral("fermentation"), options); // the text says "ferment"
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().chunk.document, QStringLiteral("bread.md"));
        QCOMPARE(hits.first().termSimilarity, 0.0);
        QVERIFY(hits.first().vectorSimilarity > 0.0);
    }

    void cjkTextIsSearchable()
    {
        auto hits = search(QStringLiteral("海獭"));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().chunk.document, QStringLiteral("zh.md"));
        hits = search(QStringLiteral("手牵手"));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().chunk.document, QStringLiteral("zh.md"));
        hits = search(QStringLiteral("フクロウ"));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().chunk.document, QStringLiteral("ja.md"));
    }

    void hostileQueriesAreJustText_data()
    {
        QTest::addColumn<QString>("query");
        for (const char *q : {"\"unbalanced", "NEAR(a", "*", "a AND OR", "'; DROP TABLE chunks; --", "otters*", "-otters",
                              "(otters", "otters)", "col:otters", "^otters", "{otters}", "NOT", "\"\"", "\\", "%_%",
                              "😀", "🦦 otters", "", "   "})
            QTest::newRow(q) << QString::fromUtf8(q);
        QTest::newRow("long") << QString(QStringLiteral("otters ")).repeated(5000);
        QTest::newRow("nul") << QStringLiteral("otters") + QChar(0) + QStringLiteral("x");
    }

    void hostileQueriesAreJustText()
    {
        QFETCH(QString, query);
        auto result = m_t->workspace->search(QStringLiteral("animals"), query, {});
        QVERIFY2(result, result ? "" : qPrintable(result.error()));
        if (query.contains(QStringLiteral("otters")))
            QVERIFY(!result->hits.isEmpty());
        QVERIFY(m_t->workspace->knowledgeBase(QStringLiteral("animals"))); // nothing was dropped
    }

    void reciprocalRankFusionIsAnOption()
    {
        index::SearchOptions options;
        options.fusion = index::SearchOptions::Fusion::ReciprocalRank;
        const auto hits = search(QStringLiteral("why do sea otters hold hands"), options);
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().chunk.document, QStringLiteral("otters.md"));
        QVERIFY(hits.first().similarity <= 2.0 / 61.0 + 1e-12); // an RRF score, not a weighted one
    }

    void aRewrittenDocumentIsSearchableAtOnce()
    {
        // Same chunk count and length before and after: cached term counts must still notice.
        test::TempWorkspace t;
        const QString path = t.path(QStringLiteral("docs/note.txt"));
        QVERIFY(test::writeFile(path, "alpha beta"));
        t.ingest(QStringLiteral("kb"), {path});
        QVERIFY(t.workspace->search(QStringLiteral("kb"), QStringLiteral("gamma"), {})->hits.isEmpty());
        QVERIFY(test::writeFile(path, "alpha gamma"));
        t.ingest(QStringLiteral("kb"), {path});
        const auto hits = t.workspace->search(QStringLiteral("kb"), QStringLiteral("gamma"), {})->hits;
        QCOMPARE(hits.size(), 1);
        QVERIFY(hits.first().termSimilarity > 0);
    }

    void invalidOptionsAreRefused()
    {
        index::SearchOptions options;
        options.topN = 0;
        QVERIFY(!m_t->workspace->search(QStringLiteral("animals"), QStringLiteral("otters"), options));
        QVERIFY(!m_t->workspace->search(QStringLiteral("nope"), QStringLiteral("otters"), {}));
    }

    void missingVectorIndexIsRebuilt()
    {
        const auto before = search(QStringLiteral("owls hunt at night"));
        const QString file = m_t->workspace->vectorIndexes().indexPath(1);
        QVERIFY(QFile::exists(file));
        m_t->workspace.reset();
        QVERIFY(QFile::remove(file));
        m_t->workspace = m_t->reopen();
        const auto after = search(QStringLiteral("owls hunt at night"));
        QCOMPARE(m_t->workspace->vectorIndexes().rebuildCount(), 1);
        QCOMPARE(after.size(), before.size());
        for (qsizetype i = 0; i < after.size(); ++i)
            QCOMPARE(after.at(i).chunk.id, before.at(i).chunk.id);
    }

    void corruptVectorIndexIsRebuilt()
    {
        const QString file = m_t->workspace->vectorIndexes().indexPath(1);
        m_t->workspace.reset();
        QVERIFY(test::writeFile(file, "garbage that is not an index"));
        m_t->workspace = m_t->reopen();
        QVERIFY(!search(QStringLiteral("owls hunt at night")).isEmpty());
        QCOMPARE(m_t->workspace->vectorIndexes().rebuildCount(), 1);
    }
};

QTEST_MAIN(TestHybridSearch)
#include "tst_hybrid_search.moc"
