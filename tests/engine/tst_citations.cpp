#include "chat/citations.h"

#include <QTest>

using namespace rag::chat;

namespace {

const QStringList kOtterPassages{
    QStringLiteral("Sea otters are marine mammals of the North Pacific coast. They have the densest fur of any "
                   "animal, about a million hairs per square inch."),
    QStringLiteral("Sea otters hold hands while they sleep so that they do not drift apart. A group of resting "
                   "otters is called a raft."),
    QStringLiteral("River otters live in fresh water. They can hold their breath for up to eight minutes."),
    QStringLiteral("To hold a tennis racket, grip it firmly with both hands."),
};

} // namespace

class TestCitations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- repairCitations ---

    void repairsMalformedMarkers_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const char *answer, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(answer) << QString::fromUtf8(expected);
        };
        row("well formed", "Otters hold hands [ID:1].", "Otters hold hands [ID:1].");
        row("space after colon", "Otters hold hands [ID: 1].", "Otters hold hands [ID:1].");
        row("lower case", "Otters hold hands [id:1].", "Otters hold hands [ID:1].");
        row("no colon", "Otters hold hands [ID 2].", "Otters hold hands [ID:2].");
        row("padded", "Otters hold hands [ Id : 2 ].", "Otters hold hands [ID:2].");
        row("parentheses", "Otters hold hands (ID:1).", "Otters hold hands [ID:1].");
        row("parentheses spaced", "Otters hold hands (ID: 0).", "Otters hold hands [ID:0].");
        row("CJK brackets", "海獭手牵手【ID:1】。", "海獭手牵手[ID:1]。");
        row("full-width parentheses", "海獭手牵手（ID：2）。", "海獭手牵手[ID:2]。");
        row("list of ids", "Otters [ID:1, ID:2].", "Otters [ID:1][ID:2].");
        row("list of numbers", "Otters [ID:1,2].", "Otters [ID:1][ID:2].");
        row("list with semicolons", "Otters [ID:0; ID:2].", "Otters [ID:0][ID:2].");
        row("list repeating an id", "Otters [ID:2, ID:2].", "Otters [ID:2].");
        row("old RAGFlow", "Otters hold hands ##1$$ ##2$$.", "Otters hold hands [ID:1] [ID:2].");
        row("numeric", "Otters hold hands [1].", "Otters hold hands [ID:1].");
        row("numeric pair", "Otters hold hands [1][2].", "Otters hold hands [ID:1][ID:2].");
        row("numeric after period", "Otters hold hands.[0]", "Otters hold hands.[ID:0]");
        row("bare", "Otters hold hands ID:1.", "Otters hold hands [ID:1].");
        row("bare spaced in parentheses", "Otters hold hands (see ID: 2).", "Otters hold hands (see [ID:2]).");
        row("several forms", "A (ID:0). B [1]. C ##2$$.", "A [ID:0]. B [ID:1]. C [ID:2].");
        // Out of range (3 passages): the marker goes, with the space that set it apart.
        row("out of range", "Otters hold hands [ID:7].", "Otters hold hands.");
        row("out of range mid-sentence", "Otters [ID:9] hold hands.", "Otters hold hands.");
        row("out of range at line start", "Intro.\n[ID:9] Otters hold hands.", "Intro.\nOtters hold hands.");
        row("out of range in a list", "Otters [ID:1, ID:7].", "Otters [ID:1].");
        row("out of range old form", "Otters ##5$$.", "Otters.");
        row("out of range numeric", "Otters [5].", "Otters.");
        row("huge id", "Otters [ID:99999999999].", "Otters.");
        row("out of range after a valid one", "Otters [ID:0] [ID:3].", "Otters [ID:0].");
        // Not citations: left as written.
        row("bare id of something else", "The user ID: 42 is locked.", "The user ID: 42 is locked.");
        row("inline link", "See [1](https://example.org/a).", "See [1](https://example.org/a).");
        row("image", "![2](otter.png)", "![2](otter.png)");
        row("reference link", "See [the docs][1].\n\n[1]: https://example.org",
            "See [the docs][1].\n\n[1]: https://example.org");
        row("shortcut reference link", "See [2].\n[2]: https://example.org", "See [2].\n[2]: https://example.org");
        row("indexing", "Take x[1] and y[2].", "Take x[1] and y[2].");
        row("interval", "Scores lie in [0, 1].", "Scores lie in [0, 1].");
        row("unpaired brackets", "Otters [ID:1).", "Otters [ID:1).");
        row("identifier", "Set GUID:1 here.", "Set GUID:1 here.");
        row("inline code", "Use `a[1]` or `[ID: 1]` and `##1$$`.", "Use `a[1]` or `[ID: 1]` and `##1$$`.");
        row("task list", "- [ ] feed otters", "- [ ] feed otters");
        row("double-backtick code", "Use ``a`[1]`` here [ID: 1].", "Use ``a`[1]`` here [ID:1].");
        row("lone backtick is text", "A ` then [ID: 1].", "A ` then [ID:1].");
    }

    void repairsMalformedMarkers()
    {
        QFETCH(QString, answer);
        QFETCH(QString, expected);
        QCOMPARE(repairCitations(answer, 3), expected);
    }

    void noPassagesRemovesEveryMarker()
    {
        QCOMPARE(repairCitations(QStringLiteral("A [ID:0] b (ID:1) c [2]."), 0), QStringLiteral("A b c."));
    }

    void fencedCodeIsUntouched()
    {
        const QString answer = QStringLiteral(
            "Use an array [ID: 1].\n"
            "```python\n"
            "x = a[1]  # [ID: 1] (ID:2) ##1$$\n"
            "```\n"
            "Then (ID:2).\n"
            "~~~\n"
            "y = b[0] [ID:9]\n"
            "~~~\n"
            "Last [id:0].\n"
            "````\n"
            "unclosed [1]\n");
        const QString expected = QStringLiteral(
            "Use an array [ID:1].\n"
            "```python\n"
            "x = a[1]  # [ID: 1] (ID:2) ##1$$\n"
            "```\n"
            "Then [ID:2].\n"
            "~~~\n"
            "y = b[0] [ID:9]\n"
            "~~~\n"
            "Last [ID:0].\n"
            "````\n"
            "unclosed [1]\n");
        QCOMPARE(repairCitations(answer, 3), expected);
    }

    // --- citedIds ---

    void citedIdsInOrderOfFirstAppearance()
    {
        QCOMPARE(citedIds(QStringLiteral("A [ID:2]. B [ID:0][ID:2]. C [ID:1].")), (QList<int>{2, 0, 1}));
        QCOMPARE(citedIds(QStringLiteral("Nothing cited.")), QList<int>{});
        QCOMPARE(citedIds(QString()), QList<int>{});
        // Only the repaired form counts, and nothing in code.
        QCOMPARE(citedIds(QStringLiteral("A [ID: 1] (ID:2) `[ID:3]`\n```\n[ID:4]\n```\n[ID:5]")), QList<int>{5});
        QCOMPARE(citedIds(repairCitations(QStringLiteral("A [ID: 1] (ID:2) [7]."), 3)), (QList<int>{1, 2}));
    }

    // --- insertCitations ---

    void citesThePassageEachSentenceComesFrom()
    {
        const QString answer = QStringLiteral(
            "Sea otters have the densest fur of any animal. They hold hands while they sleep so they do not drift "
            "apart. River otters can hold their breath for eight minutes. I hope this helps you today!");
        QCOMPARE(insertCitations(answer, kOtterPassages),
                 QStringLiteral("Sea otters have the densest fur of any animal [ID:0]. They hold hands while they "
                                "sleep so they do not drift apart [ID:1]. River otters can hold their breath for "
                                "eight minutes [ID:2]. I hope this helps you today!"));
        QCOMPARE(insertCitations(answer, kOtterPassages), insertCitations(answer, kOtterPassages)); // deterministic
    }

    void unrelatedSentencesStayUncited()
    {
        const QString answer = QStringLiteral(
            "The stock market closed higher on Friday. Quarterly tax filings are due in April.\n"
            "Yes.");
        QCOMPARE(insertCitations(answer, kOtterPassages), answer);
    }

    void respectsMaxPerSentence()
    {
        const QString answer = QStringLiteral("Sea otters hold hands while they sleep and have the densest fur.");
        const QString two = insertCitations(answer, kOtterPassages, 0.3, 2);
        QCOMPARE(citedIds(two).size(), 2);
        QVERIFY(citedIds(two).contains(0) && citedIds(two).contains(1));
        QVERIFY2(two.endsWith(QStringLiteral("fur [ID:1] [ID:0].")), qPrintable(two)); // best first
        QCOMPARE(insertCitations(answer, kOtterPassages, 0.3, 1), answer.chopped(1) + QStringLiteral(" [ID:1]."));
        QCOMPARE(insertCitations(answer, kOtterPassages, 0.3, 0), answer);
        // A threshold nothing reaches cites nothing.
        QCOMPARE(insertCitations(answer, kOtterPassages, 1.01, 2), answer);
    }

    void aSecondPassageMustBackSomethingTheFirstDoesNot()
    {
        // Passages 2 and 3 also mention otters or holding hands, but passage 1 backs it all.
        const QString answer = QStringLiteral("Sea otters hold hands.");
        QCOMPARE(insertCitations(answer, kOtterPassages, 0.3, 4), QStringLiteral("Sea otters hold hands [ID:1]."));
        // The same passage twice: both back the sentence equally and both are cited.
        const QStringList twice{kOtterPassages[2], kOtterPassages[1], kOtterPassages[1]};
        QCOMPARE(insertCitations(answer, twice, 0.3, 4), QStringLiteral("Sea otters hold hands [ID:1] [ID:2]."));
    }

    void codeBlocksAreNeverCited()
    {
        const QString code = QStringLiteral("```\nSea otters hold hands while they sleep so that they do not drift apart.\n```\n");
        const QString answer = QStringLiteral("River otters live in fresh water.\n") + code +
                               QStringLiteral("Sea otters have the densest fur of any animal `fur.density()`.");
        const QString cited = insertCitations(answer, kOtterPassages, 0.3, 1);
        QCOMPARE(cited, QStringLiteral("River otters live in fresh water [ID:2].\n") + code +
                            QStringLiteral("Sea otters have the densest fur of any animal `fur.density()` [ID:0]."));
    }

    void placesMarkersLikeRagflow()
    {
        // Before the final punctuation; after the text when there is none (a list item).
        QCOMPARE(insertCitations(QStringLiteral("- River otters live in fresh water\n- Hold a tennis racket firmly"),
                                 kOtterPassages, 0.3, 1),
                 QStringLiteral("- River otters live in fresh water [ID:2]\n- Hold a tennis racket firmly [ID:3]"));
        const QStringList cjk{QStringLiteral("海獭在水面上漂浮着睡觉。"), QStringLiteral("海獭睡觉时会手牵手。")};
        QCOMPARE(insertCitations(QStringLiteral("海獭睡觉时会手牵手。今天天气很好。"), cjk, 0.3, 1),
                 QStringLiteral("海獭睡觉时会手牵手 [ID:1]。今天天气很好。"));
        // Headings and sentences that already cite are left alone.
        QCOMPARE(insertCitations(QStringLiteral("# River otters\nRiver otters live in fresh water [ID:0]."),
                                 kOtterPassages),
                 QStringLiteral("# River otters\nRiver otters live in fresh water [ID:0]."));
    }

    void noPassagesIsANoOp()
    {
        const QString answer = QStringLiteral("Sea otters hold hands while they sleep.");
        QCOMPARE(insertCitations(answer, {}), answer);
        QCOMPARE(insertCitations(QString(), kOtterPassages), QString());
    }
};

QTEST_GUILESS_MAIN(TestCitations)
#include "tst_citations.moc"
