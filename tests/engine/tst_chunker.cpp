#include "ingest/chunker.h"
#include "text/token_counter.h"

#include <QTest>

using namespace rag::ingest;

namespace {
ParsedDocument textDocument(const QString &text, int page = 0)
{
    ParsedDocument doc;
    doc.sections.append({text, page});
    return doc;
}

QString numberedLines(int count, int wordsPerLine)
{
    QStringList lines;
    for (int i = 0; i < count; ++i) {
        QStringList words;
        for (int w = 0; w < wordsPerLine; ++w)
            words.append(QStringLiteral("w%1x%2").arg(i).arg(w));
        lines.append(words.join(QLatin1Char(' ')));
    }
    return lines.join(QLatin1Char('\n'));
}
} // namespace

class TestChunker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aTokenPrefixIsTheLongestWithinTheLimit()
    {
        // The one-pass prefix against its definition: the longest prefix whose count is within
        // the limit, never ending between the halves of a surrogate pair.
        const QStringList texts = {QStringLiteral("The quick brown fox, jumping over 12 lazy dogs; supercalifragilistic!"),
                                   QStringLiteral("naïve café – résumé"), QString::fromUtf8("海獭睡觉的时候 hold hands"),
                                   QString::fromUtf8("emoji \U0001F600\U0001F600 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters"), QString(),
                                   QString(33, u'a') + QStringLiteral(" ") + QString(17, u'b') + QStringLiteral("ünd") + QString(12, u'c'),
                                   QStringLiteral("x1 y22 z333 w4444 v55555 u666666 t7777777 s88888888 r999999999")};
        for (const QString &text : texts) {
            for (int limit = 0; limit <= rag::text::countTokens(text) + 1; ++limit) {
                qsizetype expected = 0;
                for (qsizetype i = 0; i <= text.size(); ++i) {
                    const bool splitsPair = i > 0 && i < text.size() && text.at(i - 1).isHighSurrogate();
                    if (!splitsPair && rag::text::countTokens(QStringView(text).first(i)) <= limit)
                        expected = i;
                }
                QCOMPARE(rag::text::tokenPrefixLength(text, limit), expected);
            }
        }
    }

    void everyAsciiCharacterCountsAsUnicodeSays()
    {
        // countTokens decides ASCII inline; Unicode's classes are the definition.
        for (char16_t c = 0; c < 0x80; ++c) {
            const QChar ch(c);
            const bool word = ch.isLetterOrNumber() || ch.isMark();
            const int alone = word ? 1 : ch.isSpace() ? 0 : 1;
            QCOMPARE(rag::text::countTokens(QString(ch)), alone);
            // Inside a word: a word character extends it, anything else ends it.
            const QString inside = QStringLiteral("abcd") + ch + QStringLiteral("efgh");
            QCOMPARE(rag::text::countTokens(inside), word ? 2 : 2 + alone);
        }
        QCOMPARE(rag::text::countTokens(u"naïve café"), 2);
        QCOMPARE(rag::text::countTokens(u"plain\ttext\r\nhere"), 3);
    }

    void shortTextIsOneChunk()
    {
        const auto chunks = chunkDocument(textDocument(QStringLiteral("  one line\nanother line \n")), {});
        QCOMPARE(chunks.size(), 1);
        QCOMPARE(chunks.first().text, QStringLiteral("one line\nanother line"));
        QCOMPARE(chunks.first().tokenCount, 4);
    }

    void linesMergeUpToTheBudgetAndSplitAtDelimiters()
    {
        // 40 lines of 10 one-token words; a 64-token budget fits 6 lines per chunk.
        const auto chunks = chunkDocument(textDocument(numberedLines(40, 10)), {64, 0, QStringLiteral("\n")});
        QCOMPARE(chunks.size(), 7);
        QString rejoined;
        for (const TextChunk &chunk : chunks) {
            QVERIFY2(chunk.tokenCount <= 64, qPrintable(QString::number(chunk.tokenCount)));
            QCOMPARE(chunk.tokenCount, rag::text::countTokens(chunk.text));
            QVERIFY(chunk.text.startsWith(QLatin1Char('w')));        // starts at a line start
            QVERIFY(chunk.text.endsWith(QStringLiteral("x9")));      // ends at a line end
            rejoined += chunk.text + QLatin1Char('\n');
        }
        QCOMPARE(rejoined.trimmed(), numberedLines(40, 10)); // nothing lost, nothing repeated
    }

    void otherDelimiters()
    {
        const QString text = QStringLiteral("alpha beta. gamma delta. epsilon zeta.");
        const auto chunks = chunkDocument(textDocument(text), {6, 0, QStringLiteral(".")});
        QCOMPARE(chunks.size(), 2);
        QCOMPARE(chunks.at(0).text, QStringLiteral("alpha beta. gamma delta."));
    }

    void aPieceLongerThanTheBudgetIsCutAtWords()
    {
        const QString line = numberedLines(1, 300);
        const auto chunks = chunkDocument(textDocument(line), {100, 0, QStringLiteral("\n")});
        QCOMPARE(chunks.size(), 3);
        for (const TextChunk &chunk : chunks) {
            QVERIFY(chunk.tokenCount <= 100);
            QVERIFY(!chunk.text.contains(QStringLiteral("  ")));
        }
        QCOMPARE(chunks.at(1).text.section(QLatin1Char(' '), 0, 0), QStringLiteral("w0x100"));
    }

    void longCjkTextIsCutByCharacters()
    {
        const QString text = QString(QStringLiteral("海獭睡觉时手牵手")).repeated(50); // 400 CJK tokens, no spaces
        const auto chunks = chunkDocument(textDocument(text), {128, 0, QStringLiteral("\n")});
        QCOMPARE(chunks.size(), 4);
        QString rejoined;
        for (const TextChunk &chunk : chunks) {
            QVERIFY(chunk.tokenCount <= 128);
            rejoined += chunk.text;
        }
        QCOMPARE(rejoined, text);
    }

    void overlapRepeatsTheTailOfThePreviousChunk()
    {
        const auto chunks = chunkDocument(textDocument(numberedLines(30, 10)), {64, 25, QStringLiteral("\n")});
        QVERIFY(chunks.size() > 4);
        for (qsizetype i = 1; i < chunks.size(); ++i) {
            const QString previous = chunks.at(i - 1).text;
            const QString head = chunks.at(i).text.left(20);
            QVERIFY2(previous.contains(head), qPrintable(QStringLiteral("chunk %1 does not start inside chunk %2").arg(i).arg(i - 1)));
            QVERIFY(!previous.startsWith(head)); // a tail, not the whole chunk again
        }
        const auto plain = chunkDocument(textDocument(numberedLines(30, 10)), {64, 0, QStringLiteral("\n")});
        QVERIFY(chunks.size() > plain.size());
    }

    void pagesFollowTheirText()
    {
        ParsedDocument doc;
        doc.sections = {{numberedLines(6, 10), 1}, {numberedLines(6, 10).replace(u'w', u'v'), 2}};
        const auto chunks = chunkDocument(doc, {64, 0, QStringLiteral("\n")});
        QCOMPARE(chunks.size(), 2);
        QCOMPARE(chunks.at(0).page, 1);
        QCOMPARE(chunks.at(1).page, 2);
        QVERIFY(chunks.at(1).text.startsWith(QLatin1Char('v')));
    }

    void whitespaceOnlyGivesNoChunks()
    {
        QVERIFY(chunkDocument(textDocument(QStringLiteral("\n\n   \n")), {}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestChunker)
#include "tst_chunker.moc"
