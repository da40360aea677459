#include "chat_split.h"

#include <algorithm>

#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace rag::ui {

ChatSplit::ChatSplit(Workspace &workspace, ChatPanel::EngineSource engine, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_engine(std::move(engine))
{
    m_split = new QSplitter(Qt::Horizontal);
    m_split->setObjectName(QStringLiteral("chatSplit"));
    m_split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);
    m_split->addWidget(makeChat());
    updateButtons();
}

ChatPanel *ChatSplit::makeChat()
{
    auto *chat = new ChatPanel(m_workspace, m_engine);
    auto *beside = new QToolButton;
    beside->setObjectName(QStringLiteral("chatSideBySide"));
    beside->setText(tr("Side by side"));
    beside->setToolTip(tr("Open another chat beside this one, with its own assistant"));
    connect(beside, &QToolButton::clicked, this, [this, chat] { addChat(chat); });
    chat->addToTopBar(beside);
    if (!m_chats.isEmpty()) {
        auto *close = new QToolButton;
        close->setObjectName(QStringLiteral("closeChat"));
        close->setText(tr("Close"));
        close->setToolTip(tr("Close this chat (an answer still coming is stopped; its conversation is kept)"));
        connect(close, &QToolButton::clicked, this, [this, chat] { closeChat(chat); });
        chat->addToTopBar(close);
    }
    m_chats.append(chat);
    return chat;
}

ChatPanel *ChatSplit::addChat(ChatPanel *beside)
{
    if (m_chats.size() >= kMaxChats)
        return nullptr;
    const int at = beside ? m_split->indexOf(beside) + 1 : m_split->count();
    ChatPanel *chat = makeChat();
    m_split->insertWidget(at, chat);
    // Every chat as wide as the others.
    m_split->setSizes(QList<int>(m_split->count(), std::max(1, m_split->width() / m_split->count())));
    updateButtons(); // shown by the splitter, the chat lists its assistants then (ChatPanel::showEvent)
    Q_EMIT chatsChanged(int(m_chats.size()));
    return chat;
}

void ChatSplit::closeChat(ChatPanel *chat)
{
    if (chat == first() || !m_chats.removeOne(chat))
        return;
    delete chat; // its answer's handle goes with it, which cancels the answer
    updateButtons();
    Q_EMIT chatsChanged(int(m_chats.size()));
}

void ChatSplit::reloadTargets()
{
    for (ChatPanel *chat : std::as_const(m_chats))
        chat->reloadTargets();
}

bool ChatSplit::isAnswering() const
{
    return std::any_of(m_chats.begin(), m_chats.end(), [](const ChatPanel *chat) { return chat->isAnswering(); });
}

void ChatSplit::updateButtons()
{
    for (ChatPanel *chat : std::as_const(m_chats)) {
        if (auto *beside = chat->findChild<QToolButton *>(QStringLiteral("chatSideBySide")))
            beside->setEnabled(m_chats.size() < kMaxChats);
    }
}

} // namespace rag::ui
