#include "chat/prompt_builder.h"
#include "text/token_counter.h"

#include <QTest>

using namespace rag::chat;
using rag::providers::ChatMessage;

namespace {

// n distinct words: "alpha0 alpha1 ...", each one token.
QString words(const QString &stem, int n)
{
    QStringList out;
    for (int i = 0; i < n; ++i)
        out.append(stem + QString::number(i));
    return out.join(QLatin1Char(' '));
}

QList<KnowledgeChunk> fiveChunks()
{
    QList<KnowledgeChunk> chunks;
    for (int i = 0; i < 5; ++i)
        chunks.append({QStringLiteral("doc%1.md").arg(i), QStringLiteral("passage%1 ").arg(i) + words(QStringLiteral("w"), 40), 0});
    return chunks;
}

int countAll(const Prompt &prompt)
{
    int tokens = 0;
    for (const ChatMessage &m : prompt.messages)
        tokens += rag::text::countTokens(m.content);
    return tokens;
}

// The prompt's token count with a window large enough for everything.
int tokensUnbounded(PromptInput input)
{
    input.contextTokens = 1'000'000;
    input.answerTokens = 0;
    return buildPrompt(input).tokens;
}

} // namespace

class TestPromptBuilder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knowledgeIsFormattedAsRagflowBlocks()
    {
        const QList<KnowledgeChunk> chunks{
            {QStringLiteral("otters.pdf"), QStringLiteral("Sea otters hold hands."), 3},
            {QStringLiteral("notes.md"), QStringLiteral("Rafts drift.\nSecond line."), 0},
        };
        QCOMPARE(formatKnowledge(chunks),
                 QStringLiteral("ID: 0\n├── Title: otters.pdf (page 3)\n└── Content: Sea otters hold hands.\n\n"
                                "ID: 1\n├── Title: notes.md\n└── Content: Rafts drift.\nSecond line."));
        QCOMPARE(formatKnowledge({}), QString());
    }

    void defaultTemplateGetsTheKnowledgeInPlace()
    {
        PromptInput input;
        input.chunks = {{QStringLiteral("otters.md"), QStringLiteral("Sea otters hold hands."), 0}};
        input.question = QStringLiteral("Why do otters hold hands?");
        input.quote = false;
        const Prompt prompt = buildPrompt(input);
        const QString system = prompt.messages.first().content;
        QCOMPARE(prompt.messages.first().role, QStringLiteral("system"));
        QVERIFY(defaultSystemPrompt().contains(QStringLiteral("{knowledge}")));
        QVERIFY(!system.contains(QStringLiteral("{knowledge}")));
        QVERIFY(system.startsWith(QStringLiteral("You are an intelligent assistant.")));
        QVERIFY(system.contains(QStringLiteral("The answer you are looking for is not found in the knowledge base!")));
        QVERIFY(system.contains(QStringLiteral("Here is the knowledge base:\n") + formatKnowledge(input.chunks) +
                                QStringLiteral("\nThe above is the knowledge base.")));
    }

    void customTemplateWithPlaceholder()
    {
        PromptInput input;
        input.systemTemplate = QStringLiteral("Answer from these:\n{knowledge}\nBe brief.");
        input.chunks = {{QStringLiteral("a.txt"), QStringLiteral("Alpha."), 0}};
        input.question = QStringLiteral("What?");
        input.quote = false;
        QCOMPARE(buildPrompt(input).messages.first().content,
                 QStringLiteral("Answer from these:\n") + formatKnowledge(input.chunks) + QStringLiteral("\nBe brief."));
    }

    void customTemplateWithoutPlaceholderGetsKnowledgeAppended()
    {
        PromptInput input;
        input.systemTemplate = QStringLiteral("Talk like a pirate.");
        input.chunks = {{QStringLiteral("a.txt"), QStringLiteral("Alpha."), 0}};
        input.question = QStringLiteral("What?");
        input.quote = false;
        QCOMPARE(buildPrompt(input).messages.first().content,
                 QStringLiteral("Talk like a pirate.\n\n") + formatKnowledge(input.chunks));
    }

    void citationInstructionsOnlyWithQuote()
    {
        QVERIFY(citationInstructions().contains(QStringLiteral("[ID:i]")));
        PromptInput input;
        input.chunks = {{QStringLiteral("a.txt"), QStringLiteral("Alpha."), 0}};
        input.question = QStringLiteral("What?");
        input.quote = true;
        const QString quoted = buildPrompt(input).messages.first().content;
        QVERIFY(quoted.endsWith(QStringLiteral("\n\n") + citationInstructions()));
        input.quote = false;
        QVERIFY(!buildPrompt(input).messages.first().content.contains(QStringLiteral("[ID:")));
        // Nothing to cite: asking for citations would only invite invented ids.
        input.quote = true;
        input.chunks.clear();
        QVERIFY(!buildPrompt(input).messages.first().content.contains(citationInstructions()));
    }

    void messagesAreSystemHistoryThenQuestion()
    {
        PromptInput input;
        input.chunks = fiveChunks();
        input.history = {{QStringLiteral("user"), QStringLiteral("Hi")},
                         {QStringLiteral("assistant"), QStringLiteral("Hello, ask away.")}};
        input.question = QStringLiteral("Why do otters hold hands?");
        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.messages.size(), 4);
        QCOMPARE(prompt.messages[0].role, QStringLiteral("system"));
        QCOMPARE(prompt.messages[1].content, QStringLiteral("Hi"));
        QCOMPARE(prompt.messages[2].role, QStringLiteral("assistant"));
        QCOMPARE(prompt.messages.last().role, QStringLiteral("user"));
        QCOMPARE(prompt.messages.last().content, input.question);
        QCOMPARE(prompt.chunksUsed, 5);
        QCOMPARE(prompt.historyUsed, 2);
        QCOMPARE(prompt.tokens, countAll(prompt));
    }

    void smallBudgetKeepsTheBestChunks()
    {
        PromptInput input;
        input.chunks = fiveChunks();
        input.question = QStringLiteral("Which passage?");
        PromptInput two = input;
        two.chunks = input.chunks.mid(0, 2);
        PromptInput three = input;
        three.chunks = input.chunks.mid(0, 3);
        const int twoTokens = tokensUnbounded(two);
        const int threeTokens = tokensUnbounded(three);
        input.answerTokens = 100;
        input.contextTokens = input.answerTokens + (twoTokens + threeTokens) / 2;

        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.chunksUsed, 2);
        const QString system = prompt.messages.first().content;
        QVERIFY(system.contains(QStringLiteral("passage0 ")) && system.contains(QStringLiteral("passage1 ")));
        for (int i = 2; i < 5; ++i)
            QVERIFY(!system.contains(QStringLiteral("passage%1").arg(i)));
        QCOMPARE(prompt.tokens, twoTokens);
        QCOMPARE(prompt.tokens, countAll(prompt));
        QVERIFY(prompt.tokens <= input.contextTokens - input.answerTokens);
    }

    void onlyTheFirstChunkIsCutToFit()
    {
        PromptInput input;
        input.chunks = {{QStringLiteral("big.txt"), words(QStringLiteral("big"), 400), 0},
                        {QStringLiteral("small.txt"), QStringLiteral("small passage"), 0}};
        input.question = QStringLiteral("What?");
        input.contextTokens = 600;
        input.answerTokens = 100;
        Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.chunksUsed, 1);
        const QString system = prompt.messages.first().content;
        QVERIFY(prompt.tokens <= 500);
        QVERIFY2(prompt.tokens >= 490, qPrintable(QString::number(prompt.tokens))); // cut close to the budget
        // Cut after a whole word and marked as cut.
        static const QRegularExpression cut(QStringLiteral(R"(└── Content: big0 big1 .* big(\d+)…\n)"));
        const QRegularExpressionMatch m = cut.match(system);
        QVERIFY2(m.hasMatch(), qPrintable(system.right(200)));
        QVERIFY(m.captured(1).toInt() > 100 && m.captured(1).toInt() < 399);
        QVERIFY(!system.contains(QStringLiteral("small passage")));

        // A later passage that does not fit is left out whole, and so is everything after it.
        input.chunks = {{QStringLiteral("small.txt"), QStringLiteral("small passage"), 0},
                        {QStringLiteral("big.txt"), words(QStringLiteral("big"), 400), 0},
                        {QStringLiteral("tiny.txt"), QStringLiteral("tiny"), 0}};
        prompt = buildPrompt(input);
        QCOMPARE(prompt.chunksUsed, 1);
        QVERIFY(!prompt.messages.first().content.contains(QStringLiteral("big0")));
        QVERIFY(!prompt.messages.first().content.contains(QStringLiteral("tiny")));
    }

    void historyIsTrimmedOldestFirst()
    {
        PromptInput input;
        input.question = QStringLiteral("And now?");
        for (int i = 0; i < 6; ++i)
            input.history.append({i % 2 ? QStringLiteral("assistant") : QStringLiteral("user"),
                                  QStringLiteral("turn%1 ").arg(i) + words(QStringLiteral("h"), 30)});
        PromptInput none = input;
        none.history.clear();
        const int base = tokensUnbounded(none);
        const int turn = rag::text::countTokens(input.history.first().content);
        input.answerTokens = 50;
        input.contextTokens = input.answerTokens + base + 3 * turn + turn / 2;

        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.historyUsed, 3);
        QCOMPARE(prompt.messages.size(), 5);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(prompt.messages[1 + i].content, input.history[3 + i].content);
        QCOMPARE(prompt.messages.last().content, input.question);
        QCOMPARE(prompt.messages.last().role, QStringLiteral("user"));
        QVERIFY(prompt.tokens <= input.contextTokens - input.answerTokens);
        QCOMPARE(prompt.tokens, countAll(prompt));
    }

    void passagesComeBeforeHistory()
    {
        PromptInput input;
        input.chunks = fiveChunks().mid(0, 1);
        input.question = QStringLiteral("What?");
        input.history = {{QStringLiteral("user"), words(QStringLiteral("old"), 30)}};
        input.contextTokens = tokensUnbounded(input) - 5;
        input.answerTokens = 0;
        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.chunksUsed, 1);
        QCOMPARE(prompt.historyUsed, 0);
    }

    void systemAndQuestionAreAlwaysKept()
    {
        PromptInput input;
        input.chunks = fiveChunks();
        input.history = {{QStringLiteral("user"), QStringLiteral("Hi")}};
        input.question = QStringLiteral("Why do otters hold hands?");
        input.contextTokens = 20;
        input.answerTokens = 10;
        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.messages.size(), 2);
        QCOMPARE(prompt.chunksUsed, 0);
        QCOMPARE(prompt.historyUsed, 0);
        QVERIFY(prompt.messages.first().content.startsWith(QStringLiteral("You are an intelligent assistant.")));
        QCOMPARE(prompt.messages.last().content, input.question);
        QCOMPARE(prompt.tokens, countAll(prompt)); // over budget, and reported as such
    }

    void earlierAnswersLoseTheirCitations()
    {
        PromptInput input;
        input.question = QStringLiteral("More?");
        input.history = {{QStringLiteral("user"), QStringLiteral("What is [ID:1] about?")},
                         {QStringLiteral("assistant"), QStringLiteral("Otters hold hands [ID:1][ID:0].")}};
        const Prompt prompt = buildPrompt(input);
        QCOMPARE(prompt.messages[1].content, input.history[0].content);
        QCOMPARE(prompt.messages[2].content, QStringLiteral("Otters hold hands."));
    }
};

QTEST_GUILESS_MAIN(TestPromptBuilder)
#include "tst_prompt_builder.moc"
