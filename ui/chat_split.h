// The Chat tab: one chat, or several side by side, each with its own assistant (or knowledge
// base) and conversation. "Side by side" opens another chat beside the one it is on; every chat
// but the first can be closed (an answer still streaming there is cancelled). All of them ask
// through the one EngineHost, whose engine serves many answers at once.
#pragma once

#include "chat_panel.h"

#include <QList>
#include <QWidget>

class QSplitter;

namespace rag::ui {

class ChatSplit : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxChats = 4; // beyond it each is too narrow to read

    ChatSplit(Workspace &workspace, ChatPanel::EngineSource engine, QWidget *parent = nullptr);

    ChatPanel *first() const { return m_chats.constFirst(); }
    const QList<ChatPanel *> &chats() const { return m_chats; }
    // A new chat right of `beside` (the last one when null); nullptr at kMaxChats.
    ChatPanel *addChat(ChatPanel *beside = nullptr);
    void closeChat(ChatPanel *chat); // not the first
    void reloadTargets();            // every chat's assistants and knowledge bases
    bool isAnswering() const;        // any of them

Q_SIGNALS:
    void chatsChanged(int count);

private:
    ChatPanel *makeChat();
    void updateButtons();

    Workspace &m_workspace;
    ChatPanel::EngineSource m_engine;
    QSplitter *m_split = nullptr;
    QList<ChatPanel *> m_chats;
};

} // namespace rag::ui
