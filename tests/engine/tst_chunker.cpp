#include "ingest/chunker.h"
#include "support/perf_checks.h"
#include "text/token_counter.h"

#include <QElapsedTimer>
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

// Inputs of one class at a given size: the shapes that once made chunking quadratic, and the
// ordinary one for comparison.
QString inputOfClass(const QString &name, qsizetype characters)
{
    QString unit;
    if (name == QLatin1String("no whitespace"))
        unit = QStringLiteral("abcdefghij0123456789");
    else if (name == QLatin1String("CJK without spaces"))
        unit = QStringLiteral("海獭睡觉时手牵手");
    else if (name == QLatin1String("one long line of words"))
        unit = QStringLiteral("otters hold hands ");
    else
        unit = QStringLiteral("otters hold hands while they sleep\n");
    return unit.repeated(characters / unit.size() + 1).left(characters);
}

const QStringList kInputClasses = {QStringLiteral("no whitespace"), QStringLiteral("CJK without spaces"),
                                   QStringLiteral("one long line of words"), QStringLiteral("lines")};
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

    void aTextWithoutWhitespaceIsCutWithinTheBudgetAndLosesNothing()
    {
        for (const QString &name : kInputClasses) {
            const QString text = inputOfClass(name, 300'000);
            const auto chunks = chunkDocument(textDocument(text), {512, 0, QStringLiteral("\n")});
            QVERIFY(chunks.size() > 1);
            qsizetype characters = 0;
            for (const TextChunk &chunk : chunks) {
                QVERIFY2(chunk.tokenCount <= 512, qPrintable(name));
                QCOMPARE(chunk.tokenCount, rag::text::countTokens(chunk.text));
                characters += chunk.text.size();
            }
            if (name == QLatin1String("no whitespace") || name == QLatin1String("CJK without spaces")) {
                QString rejoined;
                for (const TextChunk &chunk : chunks)
                    rejoined += chunk.text;
                QCOMPARE(rejoined, text);
            } else {
                QVERIFY(characters >= text.trimmed().size() - chunks.size() * 2); // only whitespace at cuts is trimmed
            }
        }
    }

    void aSetCancelFlagStopsChunkingAtOnce()
    {
        const QString text = inputOfClass(QStringLiteral("no whitespace"), 2'000'000);
        std::atomic<bool> cancelled{false};
        const auto whole = chunkDocument(textDocument(text), {256, 0, QStringLiteral("\n")}, &cancelled);
        QVERIFY(whole.size() > 100);
        cancelled = true;
        QVERIFY(chunkDocument(textDocument(text), {256, 0, QStringLiteral("\n")}, &cancelled).isEmpty());
        QVERIFY(chunkDocument(textDocument(numberedLines(2000, 10)), {64, 0, QStringLiteral("\n")}, &cancelled).isEmpty());
    }

    // Chunking time grows linearly with the input in every class: 4x the input may take 4x the
    // time, never the 16x of a quadratic path (defect: a 4 MB file without whitespace took 9 s).
    // A wall-clock check: under the perf label only (support/perf_checks.h).
    void chunkingGrowsLinearlyOnAnyInput()
    {
        if (!rag::test::perfChecks())
            QSKIP("a wall-clock check: runs under the perf label (ctest -L perf)");
        for (const QString &name : kInputClasses) {
            auto millisFor = [&](qsizetype characters) -> double {
                const ParsedDocument doc = textDocument(inputOfClass(name, characters));
                qint64 best = std::numeric_limits<qint64>::max();
                for (int run = 0; run < 3; ++run) { // the best of three takes out a busy moment
                    QElapsedTimer clock;
                    clock.start();
                    if (chunkDocument(doc, {512, 0, QStringLiteral("\n")}).isEmpty())
                        return -1;
                    best = std::min(best, clock.nsecsElapsed());
                }
                return double(best) / 1e6;
            };
            const double small = millisFor(1'000'000);
            const double large = millisFor(4'000'000);
            QVERIFY(small >= 0 && large >= 0);
            qInfo("%s: 1 MB %.1f ms, 4 MB %.1f ms", qPrintable(name), small, large);
            QVERIFY2(large <= 8 * std::max(small, 1.0),
                     qPrintable(QStringLiteral("%1: 4x the input took %2x the time").arg(name).arg(large / small, 0, 'f', 1)));
        }
    }

    void whitespaceOnlyGivesNoChunks()
    {
        QVERIFY(chunkDocument(textDocument(QStringLiteral("\n\n   \n")), {}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestChunker)
#include "tst_chunker.moc"
