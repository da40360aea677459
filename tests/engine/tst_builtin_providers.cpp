#include "providers/builtin/extractive_answerer.h"
#include "providers/builtin/lexical_reranker.h"

#include <QTest>

#include <algorithm>

using namespace rag::providers;

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

class TestBuiltinProviders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- lexical reranker ---

    void adjacentTermsBeatScatteredTermsBeatHalfTheTerms()
    {
        const QStringList documents{
            QStringLiteral("Rafts of otters drift together. Sea otters hold hands while sleeping."),
            QStringLiteral("The sea was calm. Many otters were seen that day; some would hold on to kelp with their "
                           "hands."),
            QStringLiteral("Sea otters eat urchins and crabs."),
            QStringLiteral("Quarterly tax filing deadlines."),
        };
        const QList<double> scores = lexicalRerankScores(QStringLiteral("sea otters hold hands"), documents);
        QCOMPARE(scores.size(), 4);
        QVERIFY2(scores[0] > scores[1], qPrintable(QStringLiteral("%1 %2").arg(scores[0]).arg(scores[1])));
        QVERIFY2(scores[1] > scores[2], qPrintable(QStringLiteral("%1 %2").arg(scores[1]).arg(scores[2])));
        QVERIFY(scores[2] > 0);
        QCOMPARE(scores[3], 0.0);
    }

    void aTextThatIsTheQueryScoresOne()
    {
        const QList<double> scores = lexicalRerankScores(QStringLiteral("Sea otters"), {QStringLiteral("sea otters!")});
        QCOMPARE(scores, QList<double>{1.0});
    }

    void rarerTermsCountMore()
    {
        const QStringList documents{QStringLiteral("otters swim"), QStringLiteral("otters eat"),
                                    QStringLiteral("kelp habitat"), QStringLiteral("otters play")};
        const QList<double> scores = lexicalRerankScores(QStringLiteral("otter habitat"), documents);
        QVERIFY(scores[2] > scores[0]);
        QCOMPARE(scores[0], scores[1]);
    }

    void functionWordsCountLittle()
    {
        const QStringList documents{QStringLiteral("What is the weather like today?"),
                                    QStringLiteral("Their diet: urchins, for otters eat a lot.")};
        const QList<double> scores = lexicalRerankScores(QStringLiteral("what is the otter diet"), documents);
        QVERIFY(scores[1] > scores[0]);
        QVERIFY2(scores[0] < 0.15, qPrintable(QString::number(scores[0])));
    }

    void emptyInputsScoreZero()
    {
        const QStringList documents{QStringLiteral("sea otters"), QString()};
        QCOMPARE(lexicalRerankScores(QString(), documents), (QList<double>{0.0, 0.0}));
        QCOMPARE(lexicalRerankScores(QStringLiteral("?! --"), documents), (QList<double>{0.0, 0.0}));
        QCOMPARE(lexicalRerankScores(QStringLiteral("otters"), {}), QList<double>{});
        QCOMPARE(lexicalRerankScores(QStringLiteral("otters"), documents).at(1), 0.0);
    }

    void scoresAreDeterministicInRangeAndIndependentOfOrder()
    {
        QStringList documents = kOtterPassages;
        documents << QStringLiteral("hands hands hands otters otters sea") << QStringLiteral("海獭");
        const QString query = QStringLiteral("Why do sea otters hold hands?");
        const QList<double> scores = lexicalRerankScores(query, documents);
        QCOMPARE(lexicalRerankScores(query, documents), scores);
        for (double s : scores)
            QVERIFY(s >= 0.0 && s <= 1.0);
        QVERIFY(std::max_element(scores.begin(), scores.end()) - scores.begin() == 1);
        QStringList reversed = documents;
        std::reverse(reversed.begin(), reversed.end());
        QList<double> reversedScores = lexicalRerankScores(query, reversed);
        std::reverse(reversedScores.begin(), reversedScores.end());
        QCOMPARE(reversedScores, scores);
    }

    void cjkQueriesRankThroughTheTokenizer()
    {
        const QStringList documents{QStringLiteral("海獭在水面上漂浮着睡觉。"), QStringLiteral("海獭睡觉时会手牵手。"),
                                    QStringLiteral("今天天气很好。")};
        const QList<double> scores = lexicalRerankScores(QStringLiteral("海獭睡觉"), documents);
        QVERIFY2(scores[1] > scores[0], qPrintable(QStringLiteral("%1 %2").arg(scores[1]).arg(scores[0])));
        QVERIFY(scores[0] > 0);
        QCOMPARE(scores[2], 0.0);
    }

    // --- extractive answerer ---

    void answersFromThePassageThatSaysWhy()
    {
        const auto answer = extractAnswer(QStringLiteral("Why do sea otters hold hands?"), kOtterPassages);
        QVERIFY(!answer.isEmpty());
        QCOMPARE(answer.first().text,
                 QStringLiteral("Sea otters hold hands while they sleep so that they do not drift apart."));
        QCOMPARE(answer.first().passage, 1);
        QVERIFY(formatExtractiveAnswer(answer).startsWith(
            QStringLiteral("Sea otters hold hands while they sleep so that they do not drift apart. [ID:1]")));
        for (qsizetype i = 1; i < answer.size(); ++i)
            QVERIFY(answer[i - 1].score >= answer[i].score);
        QVERIFY(answer.first().score > 0 && answer.first().score <= 1);
        QCOMPARE(extractAnswer(QStringLiteral("Why do sea otters hold hands?"), kOtterPassages).size(), answer.size());
    }

    void nearDuplicatesFromLaterPassagesAreSkipped()
    {
        const QStringList passages{
            QStringLiteral("Sea otters hold hands while sleeping so they do not drift apart."),
            QStringLiteral("Otters are playful. Sea otters hold hands when they sleep so they do not drift apart."),
            QStringLiteral("Holding hands keeps a sleeping raft of sea otters together in the current."),
        };
        const auto answer = extractAnswer(QStringLiteral("Why do sea otters hold hands when sleeping?"), passages);
        QVERIFY(answer.size() >= 2);
        QCOMPARE(answer[0].passage, 0); // equal coverage: the better-ranked passage wins
        for (const ExtractedSentence &s : answer)
            QVERIFY2(!(s.passage == 1 && s.text.contains(QStringLiteral("drift"))), qPrintable(s.text));
        QVERIFY(std::any_of(answer.begin(), answer.end(), [](const ExtractedSentence &s) { return s.passage == 2; }));
    }

    void limitsAreRespected()
    {
        const QString question = QStringLiteral("Why do sea otters hold hands?");
        QCOMPARE(extractAnswer(question, kOtterPassages, {1, 1200}).size(), 1);
        QVERIFY(extractAnswer(question, kOtterPassages, {0, 1200}).isEmpty());
        QVERIFY(extractAnswer(question, kOtterPassages, {4, 0}).isEmpty());
        const QList<ExtractedSentence> all = extractAnswer(question, kOtterPassages, {10, 100000});
        QVERIFY(all.size() >= 3);
        QCOMPARE(extractAnswer(question, kOtterPassages, {2, 100000}), all.mid(0, 2));
        // A budget that fits the first two sentences but not the third.
        const int budget = int(all[0].text.size() + all[1].text.size() + all[2].text.size() - 1);
        QCOMPARE(extractAnswer(question, kOtterPassages, {10, budget}), all.mid(0, 2));
        // The best sentence alone is too long: it is cut, not dropped.
        const QList<ExtractedSentence> cut = extractAnswer(question, kOtterPassages, {4, 30});
        QCOMPARE(cut.size(), 1);
        QVERIFY(cut[0].text.size() <= 30);
        QCOMPARE(cut[0].text, QStringLiteral("Sea otters hold hands while…"));
        QCOMPARE(cut[0].passage, 1);
    }

    void unrelatedQuestionsGetNoAnswer()
    {
        QVERIFY(extractAnswer(QStringLiteral("What is the capital of France?"), kOtterPassages).isEmpty());
        QVERIFY(extractAnswer(QStringLiteral("quarterly tax deadlines"), kOtterPassages).isEmpty());
        QVERIFY(extractAnswer(QString(), kOtterPassages).isEmpty());
        QVERIFY(extractAnswer(QStringLiteral("sea otters"), {}).isEmpty());
        QVERIFY(extractAnswer(QStringLiteral("sea otters"), {QString(), QStringLiteral("   \n\n ")}).isEmpty());
        QCOMPARE(formatExtractiveAnswer({}), QString());
    }

    void fencedCodeIsNotAnAnswer()
    {
        const QStringList passages = {QStringLiteral("To ingest a folder:\n```\nragdesk ingest notes ~/Documents/notes\n```\n"
                                                     "Ingest walks a folder of documents recursively.")};
        const auto sentences = rag::providers::extractAnswer(QStringLiteral("How do I ingest a folder of documents?"), passages);
        QVERIFY(!sentences.isEmpty());
        for (const auto &s : sentences)
            QVERIFY2(!s.text.contains(QStringLiteral("~/Documents")) && !s.text.contains(QStringLiteral("```")), qPrintable(s.text));
        QCOMPARE(sentences.first().text, QStringLiteral("Ingest walks a folder of documents recursively."));
    }

    void abbreviationsAndDecimalsDoNotEndSentences()
    {
        const QStringList passages{QStringLiteral(
            "Otters use tools, e.g. rocks, to crack open shells. An adult weighs about 3.5 kg at birth... no, "
            "more. Dr. Smith tracked otters in the U.S. for ten years! Is it true? Yes.")};
        auto best = [&](const char *question) {
            const QList<ExtractedSentence> answer = extractAnswer(QString::fromUtf8(question), passages);
            return answer.isEmpty() ? QString() : answer.first().text;
        };
        QCOMPARE(best("Which tools do otters use to crack shells?"),
                 QStringLiteral("Otters use tools, e.g. rocks, to crack open shells."));
        QCOMPARE(best("How much does an adult weigh?"),
                 QStringLiteral("An adult weighs about 3.5 kg at birth... no, more."));
        QCOMPARE(best("Who tracked otters for ten years?"),
                 QStringLiteral("Dr. Smith tracked otters in the U.S. for ten years!"));
    }

    void paragraphsHeadingsAndBulletsAreSeparateAndStripped()
    {
        const QStringList passages{QStringLiteral(
            "# Sea otters\n\nNotes from the Monterey aquarium\n\n- Sea otters sleep floating on their backs\n"
            "* They wrap themselves in kelp.\n1. Mothers carry pups\non their chests.\n## Diet ##\nThey eat urchins.")};
        const auto answer = extractAnswer(QStringLiteral("How do sea otters sleep?"), passages, {10, 100000});
        QVERIFY(!answer.isEmpty());
        QCOMPARE(answer.first().text, QStringLiteral("Sea otters sleep floating on their backs"));
        QStringList texts;
        for (const ExtractedSentence &s : answer)
            texts << s.text;
        QVERIFY2(texts.contains(QStringLiteral("Sea otters")), qPrintable(texts.join(u'|'))); // the heading, unmarked
        for (const QString &text : texts)
            QVERIFY2(!text.startsWith(u'#') && !text.startsWith(u'-') && !text.startsWith(u'*'), qPrintable(text));
        const QList<ExtractedSentence> pups = extractAnswer(QStringLiteral("Where do mothers carry pups?"), passages);
        QCOMPARE(pups.first().text, QStringLiteral("Mothers carry pups on their chests.")); // soft wrap joined
        const QList<ExtractedSentence> diet = extractAnswer(QStringLiteral("diet"), passages);
        QCOMPARE(diet.first().text, QStringLiteral("Diet"));
        const auto language = extractAnswer(QStringLiteral("C#"), {QStringLiteral("### Why C# ###")});
        QCOMPARE(language.first().text, QStringLiteral("Why C#"));
    }

    void cjkSentencesAreSplitOnFullWidthPunctuation()
    {
        const QStringList passages{QStringLiteral("海獭是海洋哺乳动物。海獭睡觉时会手牵手，以免漂走！它们吃海胆？不，它们也吃螃蟹。")};
        const QList<ExtractedSentence> answer = extractAnswer(QStringLiteral("海獭为什么手牵手？"), passages);
        QVERIFY(!answer.isEmpty());
        QCOMPARE(answer.first().text, QStringLiteral("海獭睡觉时会手牵手，以免漂走！"));
        QCOMPARE(formatExtractiveAnswer(answer.mid(0, 1)), QStringLiteral("海獭睡觉时会手牵手，以免漂走！ [ID:0]"));
    }

    void formattingCitesEachSentenceAfterItsPunctuation()
    {
        const QList<ExtractedSentence> sentences{{QStringLiteral("Otters sleep."), 0, 0.9},
                                                 {QStringLiteral("They hold 50%1 of paws?"), 3, 0.5}};
        QCOMPARE(formatExtractiveAnswer(sentences),
                 QStringLiteral("Otters sleep. [ID:0] They hold 50%1 of paws? [ID:3]"));
    }
};

QTEST_GUILESS_MAIN(TestBuiltinProviders)
#include "tst_builtin_providers.moc"
