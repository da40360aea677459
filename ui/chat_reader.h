// The chat panel's database reads (what can be asked, an assistant's conversations, one
// conversation's messages) on one worker thread owned by the reader, so the GUI thread never
// waits on the database. Results come back as values on the GUI thread; a newer read of the same
// kind supersedes an older one still running.
#pragma once

#include "latest_read.h"

#include "api/assistants.h"
#include "api/conversations.h"
#include "api/knowledge_bases.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <memory>

namespace rag {
class Workspace;
}

namespace rag::ui {

struct ChatTargets {
    QList<api::Assistant> assistants; // by name
    QStringList knowledgeBases;         // by name
    QString error;
};

struct ConversationList {
    qint64 assistantId = 0;
    QList<api::Conversation> conversations; // newest first, without messages
    QString error;
};

struct LoadedConversation {
    qint64 id = 0;
    api::Conversation conversation; // with its messages
    QString error;
};

class ChatReader : public QObject {
    Q_OBJECT
public:
    explicit ChatReader(const Workspace &workspace, QObject *parent = nullptr);
    ~ChatReader() override;

    void loadTargets();
    void loadConversations(qint64 assistantId);
    void loadConversation(qint64 conversationId);
    // Drops a conversation read still running (the user moved on before it came back).
    void dropConversationLoad();

Q_SIGNALS:
    void targetsLoaded(const rag::ui::ChatTargets &targets);
    void conversationsLoaded(const rag::ui::ConversationList &list);
    void conversationLoaded(const rag::ui::LoadedConversation &loaded);

private:
    // Copied into each read, so a read never touches this object.
    api::Assistants m_assistants;
    api::KnowledgeBases m_knowledgeBases;
    api::Conversations m_conversations;
    // One long-lived thread, so every read reuses one database connection.
    QThreadPool m_thread;
    LatestRead<ChatTargets> m_targets{this, &m_thread};
    LatestRead<ConversationList> m_list{this, &m_thread};
    LatestRead<LoadedConversation> m_conversation{this, &m_thread};
};

} // namespace rag::ui
