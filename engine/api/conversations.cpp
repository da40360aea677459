#include "api/conversations.h"

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

} // namespace rag::api
