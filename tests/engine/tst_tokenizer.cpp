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

    void aFirstLetterFilterDropsOnlyTermsThatCannotMatch()
    {
        // Words of every shape the stemmer touches (plurals, -ed, -ing, -y, short words, digits,
        // capitals), non-ASCII words and CJK: with a set of first letters, exactly the terms
        // starting with one of them are visited, in order; the others are counted, one each.
        const QString asciiWords = QStringLiteral(
            "Ponies flies cries ies sses caresses hopping hoped agreed feed sing Sky y ay ed ING "
            "Running 42nd 7up hold-hands otters' ZZZ a I");
        const QString otherWords = QStringLiteral("naïve Éclair ﬂuent 海獭睡觉 ünd");
        const QStringList asciiTerms = rag::text::tokenize(asciiWords);
        const QStringList otherTerms = rag::text::tokenize(otherWords);
        for (const char *letters : {"", "p", "fcis", "hoa", "ry4", "abcdefghijklmnopqrstuvwxyz0123456789"}) {
            quint64 mask = 0;
            for (const char *c = letters; *c; ++c)
                mask |= rag::text::asciiTermBit(QChar(QLatin1Char(*c)));
            QStringList visited;
            const qsizetype skipped = rag::text::forEachTokenStartingWith(
                asciiWords + QLatin1Char(' ') + otherWords, mask, [&](QStringView term) { visited.append(term.toString()); });
            QStringList expected;
            for (const QString &term : asciiTerms) {
                if (mask & rag::text::asciiTermBit(term.at(0)))
                    expected.append(term);
            }
            QCOMPARE(skipped, asciiTerms.size() - expected.size());
            expected += otherTerms; // words that are not plain ASCII are always visited
            QCOMPARE(visited, expected);
        }
        QCOMPARE(rag::text::asciiTermBit(QChar(u'Q')), rag::text::asciiTermBit(QChar(u'q')));
        QCOMPARE(rag::text::asciiTermBit(QChar(u'é')), quint64(0));
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
