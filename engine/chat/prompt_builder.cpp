#include "chat/prompt_builder.h"

#include "chat/citations.h"
#include "text/token_counter.h"

#include <algorithm>

namespace rag::chat {

namespace {
const QString kPlaceholder = QStringLiteral("{knowledge}");
// Marks a passage cut to fit, so the model does not take the cut for the passage's end.
const QString kEllipsis = QStringLiteral("…");

int tokens(const QString &text)
{
    return text::countTokens(text);
}

QString formatChunk(int id, const KnowledgeChunk &chunk)
{
    QString title = chunk.document;
    if (chunk.page > 0)
        title += QStringLiteral(" (page %1)").arg(chunk.page);
    return QStringLiteral("ID: %1\n├── Title: %2\n└── Content: %3").arg(QString::number(id), title, chunk.content);
}

// The system prompt for the passages used; the citation rules only come with passages to cite
// (as in RAGFlow): without them the rules would only invite invented ids.
QString systemPrompt(const QString &templ, const QList<KnowledgeChunk> &used, bool quote)
{
    const QString knowledge = formatKnowledge(used);
    QString system;
    if (templ.contains(kPlaceholder))
        system = QString(templ).replace(kPlaceholder, knowledge);
    else
        system = knowledge.isEmpty() ? templ : templ + QStringLiteral("\n\n") + knowledge;
    if (quote && !used.isEmpty())
        system += QStringLiteral("\n\n") + citationInstructions();
    return system;
}

// The longest prefix of the chunk's content, cut after a whole word, whose block costs at most
// `budget` tokens. Whitespace is free and separates what countTokens counts, so the cost of a
// prefix ending at whitespace is the sum of the costs of its whitespace-separated pieces.
// Empty when not even one word fits.
QString cutToFit(int id, const KnowledgeChunk &chunk, int budget)
{
    KnowledgeChunk empty = chunk;
    empty.content.clear();
    int used = tokens(formatChunk(id, empty)) + tokens(kEllipsis);
    const QString &content = chunk.content;
    qsizetype end = 0; // the fitting prefix is content[0, end)
    qsizetype i = 0;
    while (i < content.size()) {
        while (i < content.size() && content.at(i).isSpace())
            ++i;
        const qsizetype start = i;
        while (i < content.size() && !content.at(i).isSpace())
            ++i;
        if (start == i)
            break;
        used += tokens(content.mid(start, i - start));
        if (used > budget)
            break;
        end = i;
    }
    return end == 0 ? QString() : content.left(end) + kEllipsis;
}
} // namespace

QString defaultSystemPrompt()
{
    return QStringLiteral(
        "You are an intelligent assistant. Please summarize the content of the knowledge base to answer the "
        "question. Please list the data in the knowledge base and answer in detail. When all knowledge base "
        "content is irrelevant to the question, your answer must include the sentence \"The answer you are "
        "looking for is not found in the knowledge base!\" Answers need to consider chat history.\n"
        "Here is the knowledge base:\n"
        "{knowledge}\n"
        "The above is the knowledge base.");
}

QString citationInstructions()
{
    // Placement before the final punctuation follows RAGFlow (its prompt's example and its
    // insert_citations); insertCitations() places them the same way.
    return QStringLiteral(
        "# Citation requirements\n"
        "- Cite the knowledge base passages you use by their ID, in the form [ID:i], for example [ID:0].\n"
        "- Put the citations at the end of the sentence that uses the passage, before its final punctuation, "
        "for example: \"Sea otters hold hands while they sleep [ID:1].\" Several passages: [ID:0][ID:2].\n"
        "- No more than 4 citations in one sentence.\n"
        "- Cite only IDs listed in the knowledge base above. Never invent an ID, and do not cite anything "
        "for content that does not come from the knowledge base.\n"
        "- Always write exactly [ID:i]: not (ID:i), [i], ID:i alone, or any other form.\n"
        "- Never put citations inside code blocks or inline code.");
}

QString formatKnowledge(const QList<KnowledgeChunk> &chunks)
{
    QStringList blocks;
    blocks.reserve(chunks.size());
    for (qsizetype i = 0; i < chunks.size(); ++i)
        blocks.append(formatChunk(int(i), chunks.at(i)));
    return blocks.join(QStringLiteral("\n\n"));
}

int passageRoom(const PromptInput &input)
{
    QString bare = input.systemTemplate.isEmpty() ? defaultSystemPrompt() : input.systemTemplate;
    bare.remove(kPlaceholder);
    const int instructionTokens = input.quote ? tokens(citationInstructions()) : 0;
    return input.contextTokens - input.answerTokens - tokens(input.question) - tokens(bare) - instructionTokens;
}

Prompt buildPrompt(const PromptInput &input)
{
    const QString templ = input.systemTemplate.isEmpty() ? defaultSystemPrompt() : input.systemTemplate;
    const int budget = input.contextTokens - input.answerTokens;
    const int questionTokens = tokens(input.question);

    // Passages, best first, while they fit. The cost of the system prompt is summed piece by
    // piece: blocks are joined by whitespace, which is free and separates words, so the sum is
    // exact for the default template; a custom template that glues {knowledge} to a word can
    // only make the real count smaller (a merged word never costs more than its parts), so the
    // budget still holds.
    QString bare = templ;
    bare.remove(kPlaceholder);
    int systemTokens = tokens(bare);
    const int instructionTokens = input.quote ? tokens(citationInstructions()) : 0;
    QList<KnowledgeChunk> used;
    for (qsizetype i = 0; i < input.chunks.size(); ++i) {
        const int withInstructions = used.isEmpty() ? instructionTokens : 0;
        const int available = budget - questionTokens - systemTokens - withInstructions;
        const int cost = tokens(formatChunk(int(i), input.chunks.at(i)));
        if (cost <= available) {
            used.append(input.chunks.at(i));
            systemTokens += cost + withInstructions;
            continue;
        }
        // Only the best passage is cut to fit: an answer from part of it beats no knowledge at
        // all, while a cut lower-ranked passage would crowd out nothing better.
        if (i == 0) {
            KnowledgeChunk cut = input.chunks.at(0);
            cut.content = cutToFit(0, cut, available);
            if (!cut.content.isEmpty())
                used.append(cut);
        }
        break;
    }

    Prompt prompt;
    prompt.chunksUsed = int(used.size());
    const QString system = systemPrompt(templ, used, input.quote);
    prompt.tokens = tokens(system) + questionTokens;

    // History, newest first, while it fits; it stops at the first turn that does not, so what
    // is kept is always the most recent stretch of the conversation. Citations in earlier
    // answers point at an earlier retrieval's numbering and would mislead the model: removed.
    QList<providers::ChatMessage> history;
    for (qsizetype i = input.history.size() - 1; i >= 0; --i) {
        providers::ChatMessage message = input.history.at(i);
        if (message.role == QLatin1String("assistant"))
            message.content = repairCitations(message.content, 0);
        const int cost = tokens(message.content);
        if (prompt.tokens + cost > budget)
            break;
        prompt.tokens += cost;
        history.prepend(message);
    }
    prompt.historyUsed = int(history.size());

    prompt.messages.reserve(history.size() + 2);
    prompt.messages.append({QStringLiteral("system"), system});
    prompt.messages.append(history);
    prompt.messages.append({QStringLiteral("user"), input.question});
    return prompt;
}

} // namespace rag::chat
