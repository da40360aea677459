#include "index/builtin_embedder.h"
#include "text/english_stemmer.h"
#include "index/term_counts.h"
#include "text/text_tokenizer.h"
#include "text/token_counter.h"

#include <QTest>

using namespace rag;

class TestTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wordsAreCaseFoldedAndSplitOnPunctuation()
    {
        QCOMPARE(rag::text::tokenize(u"Hello, WORLD! it's 2026."),
                 (QStringList{QStringLiteral("hello"), QStringLiteral("world"), QStringLiteral("it"), QStringLiteral("s"),
                              QStringLiteral("2026")}));
        QCOMPARE(rag::text::tokenize(u"Straße café"), (QStringList{QStringLiteral("straße"), QStringLiteral("café")}));
        // Compatibility forms fold to the plain ones: ligatures, full-width letters.
        QCOMPARE(rag::text::tokenize(u"\uFB02oat ＡＢＣ"), (QStringList{QStringLiteral("float"), QStringLiteral("abc")}));
    }

    void englishWordsAreLightlyStemmed_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("stem");
        // Porter's own examples for steps 1a-1c.
        const char *pairs[][2] = {{"caresses", "caress"}, {"ponies", "poni"},      {"cats", "cat"},
                                  {"feed", "feed"},       {"agreed", "agree"},     {"plastered", "plaster"},
                                  {"motoring", "motor"},  {"sing", "sing"},        {"conflated", "conflate"},
                                  {"troubled", "trouble"}, {"sized", "size"},      {"hopping", "hop"},
                                  {"tanned", "tan"},      {"falling", "fall"},     {"hissing", "hiss"},
                                  {"fizzed", "fizz"},     {"failing", "fail"},     {"filing", "file"},
                                  {"happy", "happi"},     {"sky", "sky"},          {"folders", "folder"},
                                  {"ingesting", "ingest"}, {"as", "as"},           {"café", "café"}};
        for (const auto &[word, stem] : pairs)
            QTest::newRow(word) << QString::fromUtf8(word) << QString::fromUtf8(stem);
    }

    void englishWordsAreLightlyStemmed()
    {
        QFETCH(QString, word);
        QFETCH(QString, stem);
        QCOMPARE(rag::text::stemEnglish(word), stem);
    }

    void cjkBecomesUnigramsAndBigrams()
    {
        QCOMPARE(rag::text::tokenize(u"海獭睡觉"),
                 (QStringList{QStringLiteral("海"), QStringLiteral("海獭"), QStringLiteral("獭"), QStringLiteral("獭睡"),
                              QStringLiteral("睡"), QStringLiteral("睡觉"), QStringLiteral("觉")}));
        QCOMPARE(rag::text::tokenize(u"RAG系统"),
                 (QStringList{QStringLiteral("rag"), QStringLiteral("系"), QStringLiteral("系统"), QStringLiteral("统")}));
    }

    void symbolsAndEmojiAreNotTerms()
    {
        QVERIFY(rag::text::tokenize(u"😀 * \"(NEAR -- ;").size() == 1); // only "near"
        QVERIFY(rag::text::tokenize(u"😀 ✨ ***").isEmpty());
    }

    void veryLongWordsAreCut()
    {
        const QString word(500, QLatin1Char('a'));
        QCOMPARE(rag::text::tokenize(word).first().size(), rag::text::kMaxTermLength);
    }

    void termCountsFindTheirTerms()
    {
        const QStringList terms = rag::text::tokenize(u"otters hold hands while they sleep otters");
        const QByteArray packed = index::packTermCounts(terms);
        QCOMPARE(packed.size(), 6 * 5);
        QCOMPARE(index::termCount(packed, index::termHash(u"otter")), 2);
        QCOMPARE(index::termCount(packed, index::termHash(u"sleep")), 1);
        QCOMPARE(index::termCount(packed, index::termHash(u"whales")), 0);
        QCOMPARE(index::totalTermCount(packed), 7);
        QCOMPARE(index::termCount(index::packTermCounts(QStringList(300, QStringLiteral("x"))), index::termHash(u"x")), 255);
    }

    void tokenCounts()
    {
        QCOMPARE(rag::text::countTokens(u""), 0);
        QCOMPARE(rag::text::countTokens(u"the cat sat"), 3);
        QCOMPARE(rag::text::countTokens(u"internationalization"), 3); // 20 letters: 1 + 19/8
        QCOMPARE(rag::text::countTokens(u"a, b."), 4);
        QCOMPARE(rag::text::countTokens(u"海獭睡觉"), 4);
    }

    void embeddingsAreDeterministicUnitVectorsThatRankSimilarTextHigher()
    {
        index::BuiltinEmbedder embedder;
        const auto a = embedder.embed(u"sea otters hold hands while sleeping");
        QCOMPARE(int(a.size()), index::BuiltinEmbedder::kDimension);
        QCOMPARE(a, embedder.embed(u"sea otters hold hands while sleeping"));
        QVERIFY(qAbs(index::dot(a.data(), a.data(), int(a.size())) - 1.0f) < 1e-4f);
        const auto near = embedder.embed(u"otters sleep holding hands");
        const auto far = embedder.embed(u"quarterly tax filing deadlines");
        QVERIFY(index::dot(a.data(), near.data(), int(a.size())) > index::dot(a.data(), far.data(), int(a.size())) + 0.2f);
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
