#include "chat_reader.h"


#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

ChatReader::ChatReader(const Workspace &workspace, QObject *parent)
    : QObject(parent), m_assistants(workspace), m_knowledgeBases(workspace), m_conversations(workspace)
{
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
}

ChatReader::~ChatReader()
{
    // The reads hold copies of the facades, not this object; waiting keeps the thread (and its
    // connection) from outliving the panel that owns it.
    m_thread.waitForDone();
}

void ChatReader::loadTargets()
{
    m_targets.run(
        [assistantBook = m_assistants, kbBook = m_knowledgeBases] {
            ChatTargets targets;
            auto assistants = assistantBook.list();
            auto kbs = kbBook.list();
            if (!assistants)
                targets.error = assistants.error();
            else
                targets.assistants = std::move(*assistants);
            if (!kbs)
                targets.error = kbs.error();
            else
                for (const api::KnowledgeBase &kb : std::as_const(*kbs))
                    targets.knowledgeBases.append(kb.spec.name);
            return targets;
        },
        [this](const ChatTargets &targets) { Q_EMIT targetsLoaded(targets); });
}

void ChatReader::loadConversations(qint64 assistantId)
{
    m_list.run(
        [book = m_conversations, assistantId] {
            ConversationList list;
            list.assistantId = assistantId;
            auto conversations = book.list(assistantId);
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
        [book = m_conversations, conversationId] {
            LoadedConversation loaded;
            loaded.id = conversationId;
            auto conversation = book.load(conversationId);
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
