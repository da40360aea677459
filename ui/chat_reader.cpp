#include "chat_reader.h"

#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/database.h"
#include "store/knowledge_base_repository.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

ChatReader::ChatReader(std::shared_ptr<store::Database> database, QObject *parent)
    : QObject(parent), m_database(std::move(database))
{
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
}

ChatReader::~ChatReader()
{
    // The reads hold the database, not this object; waiting keeps the thread (and its
    // connection) from outliving the panel that owns it.
    m_thread.waitForDone();
}

void ChatReader::loadTargets()
{
    m_targets.run(
        [database = m_database] {
            ChatTargets targets;
            auto assistants = store::AssistantRepository(database->connection()).list();
            auto kbs = store::KnowledgeBaseRepository(database->connection()).list();
            if (!assistants)
                targets.error = assistants.error();
            else
                targets.assistants = std::move(*assistants);
            if (!kbs)
                targets.error = kbs.error();
            else
                for (const store::KnowledgeBase &kb : std::as_const(*kbs))
                    targets.knowledgeBases.append(kb.spec.name);
            return targets;
        },
        [this](const ChatTargets &targets) { Q_EMIT targetsLoaded(targets); });
}

void ChatReader::loadConversations(qint64 assistantId)
{
    m_list.run(
        [database = m_database, assistantId] {
            ConversationList list;
            list.assistantId = assistantId;
            auto conversations = store::ConversationRepository(database->connection()).list(assistantId);
            if (conversations)
                list.conversations = std::move(*conversations);
            else
                list.error = conversations.error();
            return list;
        },
        [this](const ConversationList &list) { Q_EMIT conversationsLoaded(list); });
}

void ChatReader::loadConversation(qint64 conversationId)
{
    m_conversation.run(
        [database = m_database, conversationId] {
            LoadedConversation loaded;
            loaded.id = conversationId;
            auto conversation = store::ConversationRepository(database->connection()).load(conversationId);
            if (conversation)
                loaded.conversation = std::move(*conversation);
            else
                loaded.error = conversation.error();
            return loaded;
        },
        [this](const LoadedConversation &loaded) { Q_EMIT conversationLoaded(loaded); });
}

void ChatReader::dropConversationLoad()
{
    m_conversation.dropPending();
}

} // namespace rag::ui
