#include "chat/pipeline_steps.h"

#include "chat/citations.h"
#include "providers/rerank/reranker.h"
#include "text/token_counter.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/database.h"
#include "workspace/workspace.h"

#include <QJsonDocument>

#include <algorithm>

namespace rag::chat {

namespace {

// The conversation title: the first question, cut at a word boundary.
QString titleOf(const QString &question)
{
    const QString simplified = question.simplified();
    if (simplified.size() <= 80)
        return simplified;
    const qsizetype space = simplified.lastIndexOf(QLatin1Char(' '), 80);
    return simplified.left(space > 20 ? space : 80) + QStringLiteral("…");
}

bool bySimilarity(const index::SearchHit &a, const index::SearchHit &b)
{
    return a.similarity > b.similarity;
}

QList<index::SearchHit> thresholdAndTop(QList<index::SearchHit> hits, const store::AssistantSpec &spec)
{
    return index::thresholdAndTop(std::move(hits), spec.topN, spec.similarityThreshold);
}

} // namespace

Result<LoadedContext> loadContext(store::Database &database, const AskOptions &options)
{
    LoadedContext context;
    const QSqlDatabase db = database.connection();
    if (options.assistant.isEmpty()) {
        context.spec = options.adHoc;
        if (auto valid = store::validateAssistantSpec(context.spec); !valid)
            return fail(valid.error(), ErrorKind::InvalidRequest);
    } else {
        store::AssistantRepository assistants(db);
        auto assistant = assistants.find(options.assistant);
        bool isId = false;
        const qint64 id = options.assistant.toLongLong(&isId);
        if (!assistant && isId && id > 0) {
            if (auto byId = assistants.find(id))
                assistant = byId; // serve's RAGFlow chat ids: a name, or an assistant's id
        }
        if (!assistant)
            return assistant.failure();
        context.assistantId = assistant->id;
        context.spec = assistant->spec;
    }
    if (options.conversationId > 0) {
        auto conversation = store::ConversationRepository(db).load(options.conversationId);
        if (!conversation)
            return conversation.failure();
        if (context.assistantId != 0 && conversation->assistantId != context.assistantId)
            return fail(QStringLiteral("conversation %1 belongs to another assistant").arg(options.conversationId),
                        ErrorKind::ConversationNotFound);
        context.conversationId = conversation->id;
        for (const store::StoredMessage &m : std::as_const(conversation->messages))
            context.history.append({m.role, m.content});
    } else {
        context.history = options.history;
    }
    return context;
}

bool usesReranker(const store::AssistantSpec &spec)
{
    return !spec.reranker.isEmpty() && spec.reranker != QLatin1String("none");
}

int rerankCandidates(const store::AssistantSpec &spec)
{
    return search_defaults::rerankCandidates(spec.topN, spec.topK);
}

Result<QList<index::SearchHit>> searchCandidates(Workspace &workspace, const store::AssistantSpec &spec,
                                                 const QString &question, bool forRerank,
                                                 const QHash<QString, std::vector<float>> &queryVectors)
{
    index::SearchOptions options;
    options.topK = spec.topK;
    options.vectorSimilarityWeight = spec.vectorSimilarityWeight;
    options.topN = forRerank ? rerankCandidates(spec) : spec.topN;
    options.similarityThreshold = forRerank ? 0.0 : spec.similarityThreshold;
    QList<index::SearchHit> merged;
    for (const QString &kb : spec.knowledgeBases) {
        auto found = workspace.search(kb, question, options, queryVectors);
        if (!found)
            return found.failure();
        merged += found->hits;
    }
    std::stable_sort(merged.begin(), merged.end(), bySimilarity);
    if (merged.size() > options.topN)
        merged.resize(options.topN);
    return merged;
}

QStringList rerankTexts(const QList<index::SearchHit> &candidates)
{
    QStringList texts;
    texts.reserve(candidates.size());
    for (const index::SearchHit &hit : candidates)
        texts.append(providers::rerankDocumentText(hit.chunk.document, hit.chunk.content));
    return texts;
}

QList<index::SearchHit> rankByRerank(QList<index::SearchHit> candidates, const QList<double> &scores,
                                     const store::AssistantSpec &spec)
{
    index::SearchOptions options;
    options.vectorSimilarityWeight = spec.vectorSimilarityWeight;
    options.similarityThreshold = spec.similarityThreshold;
    options.topN = spec.topN;
    QList<index::SearchHit> ranked = index::rankByRerankScores(std::move(candidates), scores, options);
    for (index::SearchHit &hit : ranked)
        hit.vectorSimilarity = *hit.rerankScore; // what the reranker said replaces the embedding's cosine
    return ranked;
}

QList<index::SearchHit> rankByHybrid(QList<index::SearchHit> candidates, const store::AssistantSpec &spec)
{
    return thresholdAndTop(std::move(candidates), spec);
}

Result<void> checkQuestionFits(const store::AssistantSpec &spec, const QString &question)
{
    // Room for one short passage at least: the best one is cut to fit, but a few words of it
    // are not an answer's source.
    constexpr int kMinimumPassageTokens = 64;
    PromptInput input;
    input.systemTemplate = spec.systemPrompt;
    input.question = question;
    input.quote = spec.quote;
    input.answerTokens = spec.maxTokens;
    const int room = passageRoom(input);
    if (room >= kMinimumPassageTokens)
        return {};
    const int questionTokens = text::countTokens(question);
    return fail(QStringLiteral("question too long: about %1 tokens, and the model's %2-token context (less %3 kept for "
                               "the answer and the instructions) leaves no room for the passages to answer from; "
                               "shorten it by about %4 tokens")
                    .arg(questionTokens)
                    .arg(input.contextTokens)
                    .arg(spec.maxTokens)
                    .arg(kMinimumPassageTokens - room),
                ErrorKind::QuestionTooLong);
}

Prompt promptFor(const LoadedContext &context, const QList<index::SearchHit> &hits, const QString &question)
{
    PromptInput input;
    input.systemTemplate = context.spec.systemPrompt;
    for (const index::SearchHit &hit : hits)
        input.chunks.append({hit.chunk.document, hit.chunk.content, hit.chunk.page});
    input.history = context.history;
    input.question = question;
    input.quote = context.spec.quote;
    input.answerTokens = context.spec.maxTokens;
    return buildPrompt(input);
}

QStringList passagesOf(const QList<index::SearchHit> &hits)
{
    QStringList passages;
    for (const index::SearchHit &hit : hits)
        passages.append(hit.chunk.content);
    return passages;
}

QList<store::ChatReference> referencesOf(const QList<index::SearchHit> &hits)
{
    QList<store::ChatReference> references;
    for (qsizetype i = 0; i < hits.size(); ++i) {
        const index::SearchHit &hit = hits.at(i);
        references.append({int(i), hit.chunk.id, hit.chunk.document, hit.chunk.content, hit.chunk.page, hit.similarity,
                           hit.termSimilarity, hit.vectorSimilarity});
    }
    return references;
}

QString finishAnswer(const QString &answer, const QList<index::SearchHit> &hits, const store::AssistantSpec &spec)
{
    if (!spec.quote || hits.isEmpty())
        return answer;
    const QString repaired = repairCitations(answer, int(hits.size()));
    if (!citedIds(repaired).isEmpty())
        return repaired;
    return insertCitations(repaired, passagesOf(hits));
}

Result<qint64> saveExchange(store::Database &database, const LoadedContext &context, const QString &question,
                            const AskResult &result)
{
    store::ConversationRepository conversations(database.connection());
    qint64 id = context.conversationId;
    if (id == 0) {
        if (context.assistantId == 0)
            return qint64(0); // an ad-hoc question has no assistant to keep a conversation under
        auto created = conversations.create(context.assistantId, titleOf(question));
        if (!created)
            return created.failure();
        id = created->id;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    store::StoredMessage asked{0, QStringLiteral("user"), question, now, {}, {}};
    store::StoredMessage answered{0, QStringLiteral("assistant"), result.answer, now, result.references,
                                  QString::fromUtf8(QJsonDocument(result.trace).toJson(QJsonDocument::Compact))};
    if (auto saved = conversations.appendExchange(id, asked, answered); !saved)
        return saved.failure();
    return id;
}

} // namespace rag::chat
