// The stages of answering a question, as plain synchronous steps. The async pipeline runs each on
// the pool it belongs to and awaits it; the blocking baseline calls them one after another on its
// pool thread. One implementation, so both modes give the same answers.
#pragma once

#include "chat/ask_types.h"
#include "chat/prompt_builder.h"
#include "core/result.h"
#include "index/hybrid_searcher.h"
#include "providers/wire/chat_wire.h"

namespace rag {
class Workspace;
}
namespace rag::store {
class Database;
}

namespace rag::chat {

struct LoadedContext {
    qint64 assistantId = 0; // 0 for an ad-hoc question
    store::AssistantSpec spec;
    qint64 conversationId = 0;
    QList<providers::ChatMessage> history; // the conversation so far, oldest first
    // The embedding providers of the assistant's knowledge bases (the built-in embedder is not
    // one: it embeds the question inside the search), as Workspace::providerEmbedders knows them.
    QStringList embedders;
};

// The assistant (or the ad-hoc spec) and the conversation to continue. On a DB thread.
Result<LoadedContext> loadContext(store::Database &database, const AskOptions &options);

// Hybrid search over every knowledge base of the assistant, merged best first. With a reranker
// the threshold waits for the rerank scores, so candidates are the best `rerankCandidates(spec)`
// by hybrid similarity; without one they are the final top_n above the threshold.
// queryVectors: the question as each embedding provider of those knowledge bases embedded it.
Result<QList<index::SearchHit>> searchCandidates(Workspace &workspace, const store::AssistantSpec &spec,
                                                 const QString &question, bool forRerank,
                                                 const QHash<QString, std::vector<float>> &queryVectors = {});
int rerankCandidates(const store::AssistantSpec &spec);
bool usesReranker(const store::AssistantSpec &spec);

// What a reranker reads: each chunk's document title, then its text, as stored.
QStringList rerankTexts(const QList<index::SearchHit> &candidates);
// RAGFlow's scoring with the rerank score in place of vector similarity, then threshold and top_n.
QList<index::SearchHit> rankByRerank(QList<index::SearchHit> candidates, const QList<double> &scores,
                                     const store::AssistantSpec &spec);
// The fallback when reranking failed: the hybrid order, threshold and top_n.
QList<index::SearchHit> rankByHybrid(QList<index::SearchHit> candidates, const store::AssistantSpec &spec);

// A question so long that no passage would fit beside it is refused ("question too long: ..."),
// rather than answered from nothing.
Result<void> checkQuestionFits(const store::AssistantSpec &spec, const QString &question);
Prompt promptFor(const LoadedContext &context, const QList<index::SearchHit> &hits, const QString &question);
QStringList passagesOf(const QList<index::SearchHit> &hits);
QList<store::ChatReference> referencesOf(const QList<index::SearchHit> &hits);

// The answer as stored and returned: citations repaired, or inserted by similarity when the model
// cited nothing (only when the assistant quotes).
QString finishAnswer(const QString &answer, const QList<index::SearchHit> &hits, const store::AssistantSpec &spec);

// Stores the exchange, creating the conversation first when there is none. Returns its id.
Result<qint64> saveExchange(store::Database &database, const LoadedContext &context, const QString &question,
                            const AskResult &result);

} // namespace rag::chat
