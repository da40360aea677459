// RAGFlow's HTTP API as serve speaks it (docs/serve.md, "RAGFlow-compatible"): a chat's
// completions with sessions, and retrieval from datasets. Every body is {"code","message","data"};
// code 0 is success. No I/O here.
#pragma once

#include "index/hybrid_searcher.h"
#include "serve/answer_format.h"
#include "serve/api_error.h"

#include <QJsonObject>

#include <chrono>
#include <variant>

namespace rag::serve {

// POST /api/v1/chats/{chat_id}/completions {"question","stream" (default true),"session_id"}.
struct RagFlowCompletion {
    QString chatId;     // an assistant's name or id
    QString question;
    qint64 sessionId = 0; // a conversation to continue; 0: a new one
    bool stream = true;
    QByteArray sessionSecret; // what session ids are signed with: the caller's key digest
};
// A session id is "CONVERSATION-TAG", the tag an HMAC of the conversation id under the caller's
// key digest: only that key's holder can continue the session, and no session id continues a
// conversation serve did not hand out (the desktop's, another team's).
QString sessionToken(qint64 conversationId, const QByteArray &secret);
std::variant<RagFlowCompletion, ApiError> parseRagFlowCompletion(const QString &chatId, const QByteArray &body,
                                                                 const QByteArray &sessionSecret);

// POST /api/v1/retrieval {"question","dataset_ids",page,page_size,similarity_threshold,
// vector_similarity_weight,top_k}.
struct RagFlowRetrieval {
    QString question;
    QStringList datasets; // knowledge base names or ids
    int page = 1;
    int pageSize = 30;
    index::SearchOptions search;
};
std::variant<RagFlowRetrieval, ApiError> parseRagFlowRetrieval(const QByteArray &body);

// {"code":0,"data":{"chunks":[...],"doc_aggs":[...],"total"}} of the hits of one page; kbIds
// gives each hit's knowledge base id (RAGFlow's kb_id), in the same order.
QByteArray retrievalBody(const QList<index::SearchHit> &page, const QList<qint64> &kbIds, qsizetype total);

// RAGFlow's codes: 101 argument error (400), 109 authentication (401), 102 not found (404);
// otherwise the HTTP status.
int ragFlowCode(const ApiError &error);
QByteArray ragFlowErrorBody(const ApiError &error);

// Events "data:{"code":0,"message":"","data":{"answer","reference","id","session_id"}}", the
// answer so far in each (as RAGFlow sends it), the references in the last, then
// "data:{"code":0,"message":"","data":true}".
class RagFlowFormat final : public AnswerFormat {
public:
    explicit RagFlowFormat(const RagFlowCompletion &request);

    QByteArray deltaEvent(const QString &delta) override;
    QByteArray finalEvents(const chat::AskResult &result) override;
    QByteArray body(const chat::AskResult &result) override;
    QByteArray errorBody(const ApiError &error) override;
    QByteArray errorEvent(const ApiError &error) override;
    ApiError errorFromAnswer(const Error &engineError) override;

private:
    QJsonObject answerData(const QString &answer, const QJsonObject &reference, qint64 sessionId) const;

    QString m_chatId;
    QString m_id;       // the answer's id, the same in every event
    qint64 m_sessionId = 0;
    QByteArray m_secret;
    QString m_answer;   // so far
};

// Saved: the session is the assistant's conversation; its id comes back as session_id.
chat::AskOptions askOptionsFor(const RagFlowCompletion &request, std::chrono::milliseconds deadline);

} // namespace rag::serve
