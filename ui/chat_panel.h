// The desktop chat: pick an assistant (its conversations are listed and continue where they left
// off) or a knowledge base (an ad-hoc question with the built-in providers, not saved), ask, read
// the answer as it streams with citations that open their passage, stop it midway.
// Asking goes through the EngineHost (the engine's own thread); database reads go through a
// ChatReader (a worker thread): the GUI thread never waits on either.
#pragma once

#include "chat_reader.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QHBoxLayout;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSplitter;

namespace rag {
class Workspace;
namespace chat {
class AskHandle;
class EngineHost;
struct AskOutcome;
} // namespace chat
} // namespace rag

namespace rag::ui {

class AnswerStatus;
class ChatTranscript;
class ConversationActions;
class PassagePane;

class ChatPanel : public QWidget {
    Q_OBJECT
public:
    // The host is asked for on the first question, so a window whose chat is never used never
    // starts the engine. It must outlive the panel's questions (see MainWindow).
    using EngineSource = std::function<chat::EngineHost *()>;
    ChatPanel(Workspace &workspace, EngineSource engine, QWidget *parent = nullptr);
    ~ChatPanel() override;

    void reloadTargets(); // assistants and knowledge bases (also when the panel is shown)
    // "NAME" for an assistant, "KB: NAME" for a knowledge base; false when it is not listed or
    // an answer is streaming (the picker is locked until it ends).
    bool selectTarget(const QString &label);
    void newConversation();
    void send(); // the input's question (the Send button, Enter)
    void ask(const QString &question); // as if typed and sent (Ask again)
    void stop(); // the answer streaming now (the Stop button)
    bool isAnswering() const { return !m_ask.isNull(); }
    qint64 conversationId() const { return m_conversationId; }
    ChatTranscript *transcript() const { return m_transcript; }
    ConversationActions *conversationActions() const { return m_conversationActions; }
    // At the end of the top bar (ChatSplit's "side by side" and "close" buttons).
    void addToTopBar(QWidget *widget);

Q_SIGNALS:
    void targetsShown(int count);          // the picker lists what can be asked
    void conversationsShown(int count);    // the selected assistant's conversations are listed
    void conversationShown(qint64 id);     // a selected conversation's messages are on screen
    void answerFinished();                 // answered, stopped or failed: on screen, Send is back
    void citationShown(int index);         // the passage a citation names is on screen

protected:
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Target {
        QString label;
        QString assistant; // empty for a knowledge base
        qint64 assistantId = 0;
        QString prologue;
        QString knowledgeBase;
    };
    QWidget *buildTopBar();
    QWidget *buildInputBar();
    const Target *currentTarget() const;
    void showTargets(const ChatTargets &targets);
    void targetChanged();
    void startConversationView();
    void showConversations(const ConversationList &list);
    void conversationPicked();
    void showConversation(const LoadedConversation &loaded);
    void showPassage(const api::ChatReference &reference);
    void onDelta(const QString &text);
    void onFinished(const chat::AskOutcome &outcome);
    void onAnswerAction(const QString &action, int entry);
    void watchConversationActions(ConversationActions *actions);
    void setAnswering(bool answering);

    EngineSource m_engine;
    ChatReader *m_reader = nullptr;
    QList<Target> m_targets;
    QHBoxLayout *m_topBar = nullptr;
    QComboBox *m_target = nullptr;
    QPushButton *m_newConversation = nullptr;
    QSplitter *m_split = nullptr;
    QListWidget *m_conversations = nullptr;
    ChatTranscript *m_transcript = nullptr;
    ConversationActions *m_conversationActions = nullptr;
    PassagePane *m_passagePane = nullptr;
    QPlainTextEdit *m_input = nullptr;
    QPushButton *m_send = nullptr;
    AnswerStatus *m_status = nullptr;

    qint64 m_conversationId = 0; // 0: a new conversation (or an ad-hoc session)
    QPointer<chat::AskHandle> m_ask;
    bool m_stopRequested = false;
};

} // namespace rag::ui
