// Conversations and their messages. An exchange (the question and its answer with references and
// trace) is saved in one transaction, so a conversation never holds a question without its answer.
#pragma once

#include "core/result.h"
#include "store/chat_records.h"

#include <QSqlDatabase>

namespace rag::store {

class ConversationRepository {
public:
    explicit ConversationRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<Conversation> create(qint64 assistantId, const QString &title); // no messages yet
    Result<Conversation> load(qint64 conversationId);                       // with every message
    Result<QList<Conversation>> list(qint64 assistantId);                   // newest first, without messages
    Result<void> appendExchange(qint64 conversationId, const StoredMessage &question, const StoredMessage &answer);
    Result<void> remove(qint64 conversationId);
    Result<void> rename(qint64 conversationId, const QString &title); // 1-200 characters

private:
    QSqlDatabase m_db;
};

} // namespace rag::store
