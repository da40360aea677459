#include "api/conversations.h"

#include "api/conversation_markdown.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/database.h"
#include "workspace/workspace.h"

namespace rag::api {

Conversations::Conversations(const Workspace &workspace) : m_database(workspace.sharedDatabase()) {}

Result<QList<Conversation>> Conversations::list(qint64 assistantId) const
{
    return store::ConversationRepository(m_database->connection()).list(assistantId);
}

Result<Conversation> Conversations::load(qint64 conversationId) const
{
    return store::ConversationRepository(m_database->connection()).load(conversationId);
}

Result<void> Conversations::rename(qint64 conversationId, const QString &title) const
{
    return store::ConversationRepository(m_database->connection()).rename(conversationId, title);
}

Result<void> Conversations::remove(qint64 conversationId) const
{
    return store::ConversationRepository(m_database->connection()).remove(conversationId);
}

Result<QString> Conversations::toMarkdown(qint64 conversationId) const
{
    auto conversation = load(conversationId);
    if (!conversation)
        return fail(conversation.error());
    auto assistant = store::AssistantRepository(m_database->connection()).find(conversation->assistantId);
    return conversationMarkdown(*conversation, assistant ? assistant->spec.name : QString());
}

} // namespace rag::api
