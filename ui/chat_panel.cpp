#include "chat_panel.h"

#include "answer_status.h"
#include "chat/engine_host.h"
#include "chat_transcript.h"
#include "conversation_actions.h"
#include "passage_pane.h"
#include "workspace/workspace.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShowEvent>
#include <QSplitter>
#include <QVBoxLayout>

namespace rag::ui {

namespace {

constexpr int kInputLines = 3;

} // namespace

ChatPanel::ChatPanel(Workspace &workspace, EngineSource engine, QWidget *parent)
    : QWidget(parent), m_engine(std::move(engine)), m_reader(new ChatReader(workspace, this))
{
    connect(m_reader, &ChatReader::targetsLoaded, this, &ChatPanel::showTargets);
    connect(m_reader, &ChatReader::conversationsLoaded, this, &ChatPanel::showConversations);
    connect(m_reader, &ChatReader::conversationLoaded, this, &ChatPanel::showConversation);

    m_conversations = new QListWidget;
    m_conversations->setObjectName(QStringLiteral("conversations"));
    m_conversations->setWordWrap(true);
    m_conversations->setTextElideMode(Qt::ElideRight);
    connect(m_conversations, &QListWidget::currentItemChanged, this, &ChatPanel::conversationPicked);

    m_transcript = new ChatTranscript;
    m_transcript->setObjectName(QStringLiteral("transcript"));
    connect(m_transcript, &ChatTranscript::citationActivated, this, &ChatPanel::showPassage);
    connect(m_transcript, &ChatTranscript::actionActivated, this, &ChatPanel::onAnswerAction);

    m_passagePane = new PassagePane;
    m_passagePane->hide(); // until a citation is clicked

    m_split = new QSplitter;
    m_split->setChildrenCollapsible(false);
    m_split->addWidget(m_conversations);
    m_split->addWidget(m_transcript);
    m_split->addWidget(m_passagePane);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 3);
    m_split->setStretchFactor(2, 2);
    m_split->setSizes({190, 600, 320});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildTopBar());
    layout->addWidget(m_split, 1);
    layout->addWidget(buildInputBar());
    watchConversationActions(new ConversationActions(workspace, m_conversations));
    startConversationView();
}

void ChatPanel::watchConversationActions(ConversationActions *actions)
{
    m_conversationActions = actions;
    const auto relist = [this] {
        if (const Target *target = currentTarget(); target && target->assistantId != 0)
            m_reader->loadConversations(target->assistantId);
    };
    connect(actions, &ConversationActions::renamed, this, relist);
    connect(actions, &ConversationActions::deleted, this, [this, relist](qint64 id) {
        if (id == m_conversationId)
            newConversation(); // its transcript goes with it
        relist();
    });
    connect(actions, &ConversationActions::failed, m_status, &AnswerStatus::showMessage);
}

ChatPanel::~ChatPanel() = default; // an answer still on its way is cancelled with its handle

QWidget *ChatPanel::buildTopBar()
{
    m_target = new QComboBox;
    m_target->setObjectName(QStringLiteral("chatTarget"));
    m_target->setMinimumContentsLength(20);
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_target->setToolTip(tr("An assistant keeps conversations; a knowledge base answers one question at a time "
                            "with the built-in providers"));
    connect(m_target, &QComboBox::currentIndexChanged, this, &ChatPanel::targetChanged);
    m_newConversation = new QPushButton(tr("New conversation"));
    m_newConversation->setObjectName(QStringLiteral("newConversation"));
    connect(m_newConversation, &QPushButton::clicked, this, &ChatPanel::newConversation);
    auto *caption = new QLabel(tr("&Ask"));
    caption->setBuddy(m_target);

    auto *bar = new QWidget;
    m_topBar = new QHBoxLayout(bar);
    m_topBar->setContentsMargins(0, 0, 0, 0);
    m_topBar->addWidget(caption);
    m_topBar->addWidget(m_target);
    m_topBar->addWidget(m_newConversation);
    m_topBar->addStretch(1);
    return bar;
}

void ChatPanel::addToTopBar(QWidget *widget)
{
    m_topBar->addWidget(widget);
}

QWidget *ChatPanel::buildInputBar()
{
    m_input = new QPlainTextEdit;
    m_input->setObjectName(QStringLiteral("chatInput"));
    m_input->setPlaceholderText(tr("Ask a question (Enter sends, Shift+Enter starts a new line)"));
    m_input->setTabChangesFocus(true);
    m_input->setFixedHeight(m_input->fontMetrics().lineSpacing() * kInputLines + 2 * m_input->frameWidth() + 8);
    m_input->installEventFilter(this);
    m_send = new QPushButton(tr("Send"));
    m_send->setObjectName(QStringLiteral("sendButton"));
    connect(m_send, &QPushButton::clicked, this, [this] { isAnswering() ? stop() : send(); });
    m_status = new AnswerStatus;

    auto *bar = new QWidget;
    auto *layout = new QVBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->addWidget(m_input, 1);
    row->addWidget(m_send, 0, Qt::AlignBottom);
    layout->addLayout(row);
    layout->addWidget(m_status);
    return bar;
}

void ChatPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Shown by the app (its tab picked, the window opened): assistants or knowledge bases may
    // have been added since.
    if (!event->spontaneous())
        reloadTargets();
}

bool ChatPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                m_input->insertPlainText(QStringLiteral("\n")); // a plain newline, not a line separator
            else
                send();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ChatPanel::reloadTargets()
{
    m_reader->loadTargets();
}

const ChatPanel::Target *ChatPanel::currentTarget() const
{
    const int row = m_target->currentIndex();
    return row >= 0 && row < m_targets.size() ? &m_targets[row] : nullptr;
}

bool ChatPanel::selectTarget(const QString &label)
{
    const int row = m_target->findText(label, Qt::MatchExactly | Qt::MatchCaseSensitive);
    if (row < 0 || !m_target->isEnabled())
        return false;
    m_target->setCurrentIndex(row);
    return true;
}

void ChatPanel::showTargets(const ChatTargets &targets)
{
    const Target *before = currentTarget();
    const QString previousLabel = before ? before->label : QString();
    const qint64 previousId = before ? before->assistantId : 0;
    m_targets.clear();
    for (const api::Assistant &assistant : targets.assistants)
        m_targets.append({assistant.spec.name, assistant.spec.name, assistant.id, assistant.spec.prologue, {}});
    for (const QString &kb : targets.knowledgeBases)
        m_targets.append({tr("KB: %1").arg(kb), {}, 0, {}, kb});
    {
        // Refilling the picker is not the user picking: the conversation on screen stays.
        const QSignalBlocker blocker(m_target);
        m_target->clear();
        for (const Target &target : std::as_const(m_targets))
            m_target->addItem(target.label);
        const int row = m_target->findText(previousLabel, Qt::MatchExactly | Qt::MatchCaseSensitive);
        m_target->setCurrentIndex(row >= 0 ? row : (m_targets.isEmpty() ? -1 : 0));
    }
    if (!targets.error.isEmpty())
        m_status->showMessage(tr("Could not read the assistants and knowledge bases: %1").arg(targets.error));
    const Target *now = currentTarget();
    if (!now || now->label != previousLabel || now->assistantId != previousId)
        targetChanged();
    else if (now->assistantId != 0 && !isAnswering())
        m_reader->loadConversations(now->assistantId); // conversations may have been added elsewhere
    Q_EMIT targetsShown(int(m_targets.size()));
}

void ChatPanel::targetChanged()
{
    if (isAnswering()) {
        // The target went away under a streaming answer (a reload): drop the answer with it.
        m_ask->disconnect(this);
        delete m_ask.data(); // cancels the request
        m_status->stopped();
        setAnswering(false);
    }
    m_reader->dropConversationLoad();
    m_conversationId = 0;
    {
        const QSignalBlocker blocker(m_conversations);
        m_conversations->clear();
    }
    const Target *target = currentTarget();
    const bool assistant = target && target->assistantId != 0;
    m_conversations->setVisible(assistant); // a knowledge base keeps no conversations to list
    m_newConversation->setEnabled(target != nullptr);
    m_send->setEnabled(target != nullptr);
    startConversationView();
    if (assistant)
        m_reader->loadConversations(target->assistantId);
}

void ChatPanel::startConversationView()
{
    m_transcript->clearTranscript();
    m_passagePane->hide();
    const Target *target = currentTarget();
    if (!target) {
        m_transcript->setAssistantName({});
        m_transcript->addNote(tr("Nothing to ask yet: create a knowledge base on the Knowledge tab and add files to it."));
    } else if (target->assistantId == 0) {
        m_transcript->setAssistantName(target->label);
        m_transcript->addNote(tr("Questions to the knowledge base '%1' are answered with the built-in providers and are not saved. "
                                 "Pick an assistant to keep conversations.")
                                  .arg(target->knowledgeBase));
    } else {
        m_transcript->setAssistantName(target->assistant);
        if (!target->prologue.isEmpty())
            m_transcript->addPrologue(target->prologue);
    }
}

void ChatPanel::newConversation()
{
    if (isAnswering())
        return;
    m_reader->dropConversationLoad();
    m_conversationId = 0;
    {
        const QSignalBlocker blocker(m_conversations);
        m_conversations->setCurrentRow(-1);
        m_conversations->clearSelection();
    }
    startConversationView();
    m_status->showMessage({});
    m_input->setFocus();
}

void ChatPanel::showConversations(const ConversationList &list)
{
    const Target *target = currentTarget();
    if (!target || target->assistantId != list.assistantId)
        return; // listed for an assistant no longer selected
    const QSignalBlocker blocker(m_conversations); // listing is not picking
    m_conversations->clear();
    for (const api::Conversation &conversation : list.conversations) {
        const QString title = conversation.title.isEmpty() ? tr("(untitled)") : conversation.title;
        auto *item = new QListWidgetItem(
            tr("%1\n%2").arg(title, QLocale().toString(conversation.createdAt.toLocalTime(), QStringLiteral("d MMM yyyy, HH:mm"))));
        item->setToolTip(title);
        item->setData(Qt::UserRole, conversation.id);
        m_conversations->addItem(item);
        if (conversation.id == m_conversationId)
            m_conversations->setCurrentItem(item);
    }
    if (!list.error.isEmpty())
        m_status->showMessage(tr("Could not list the conversations: %1").arg(list.error));
    Q_EMIT conversationsShown(int(list.conversations.size()));
}

void ChatPanel::conversationPicked()
{
    const QListWidgetItem *item = m_conversations->currentItem();
    if (!item || isAnswering())
        return;
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    if (id == m_conversationId)
        return;
    m_conversationId = id;
    m_transcript->clearTranscript();
    m_passagePane->hide();
    m_reader->loadConversation(id);
}

void ChatPanel::showConversation(const LoadedConversation &loaded)
{
    if (loaded.id != m_conversationId || isAnswering())
        return; // the user moved on to another conversation
    startConversationView();
    if (!loaded.error.isEmpty())
        m_transcript->addError(tr("Could not load the conversation: %1").arg(loaded.error));
    else
        m_transcript->addMessages(loaded.conversation.messages);
    Q_EMIT conversationShown(loaded.id);
}

void ChatPanel::showPassage(const api::ChatReference &reference)
{
    m_passagePane->showReference(reference);
    if (m_passagePane->isHidden()) {
        // Shown into a splitter, the pane would get whatever width it last had (none at first):
        // give it a third of the room, taken from the transcript.
        QList<int> sizes = m_split->sizes();
        m_passagePane->show();
        const int room = sizes[1] + sizes[2];
        sizes[2] = room / 3;
        sizes[1] = room - sizes[2];
        m_split->setSizes(sizes);
    }
    Q_EMIT citationShown(reference.index);
}

void ChatPanel::send()
{
    const QString question = m_input->toPlainText().trimmed();
    if (isAnswering() || !currentTarget() || question.isEmpty())
        return;
    m_input->clear();
    ask(question);
}

void ChatPanel::onAnswerAction(const QString &action, int entry)
{
    if (action == u"copy")
        QGuiApplication::clipboard()->setText(m_transcript->answerText(entry));
    else if (action == u"ask-again")
        ask(m_transcript->questionOf(entry)); // after an error, a stop, or for another answer
    else if (action == u"timing") {
        m_passagePane->showTiming(m_transcript->traceOf(entry));
        m_passagePane->show();
    }
}

void ChatPanel::ask(const QString &question)
{
    const Target *target = currentTarget();
    if (isAnswering() || !target || question.isEmpty())
        return;
    chat::EngineHost *host = m_engine ? m_engine() : nullptr;
    if (!host)
        return;
    chat::AskOptions options;
    options.question = question;
    if (target->assistantId != 0) {
        options.assistant = target->assistant;
        options.conversationId = m_conversationId;
    } else {
        // As `ragdesk ask KB QUESTION`: the built-in defaults, nothing to keep a conversation under.
        options.adHoc.name = target->label;
        options.adHoc.knowledgeBases = {target->knowledgeBase};
        options.save = false;
    }
    m_transcript->addQuestion(question);
    m_transcript->beginAnswer();
    m_stopRequested = false;
    m_ask = host->ask(options, this);
    connect(m_ask, &chat::AskHandle::delta, this, &ChatPanel::onDelta);
    connect(m_ask, &chat::AskHandle::finished, this, &ChatPanel::onFinished);
    setAnswering(true);
}

void ChatPanel::stop()
{
    if (!m_ask)
        return;
    m_stopRequested = true;
    m_ask->cancel(); // the outcome follows at once, as a "cancelled" failure
    m_send->setEnabled(false);
    m_status->stopping();
}

void ChatPanel::onDelta(const QString &text)
{
    m_status->firstChunk();
    m_transcript->appendDelta(text);
}

void ChatPanel::onFinished(const chat::AskOutcome &outcome)
{
    m_ask->deleteLater(); // `outcome` lives in the handle: not deleted before we return
    m_ask = nullptr;
    const Target *target = currentTarget();
    if (outcome.ok) {
        m_transcript->finishAnswer(outcome.result);
        m_status->answered(outcome.result.ttfcMs);
        if (target && target->assistantId != 0 && outcome.result.conversationId != 0) {
            m_conversationId = outcome.result.conversationId; // a new one was created for the first question
            m_reader->loadConversations(target->assistantId);
        }
    } else {
        m_transcript->failAnswer(outcome.error, m_stopRequested);
        m_stopRequested ? m_status->stopped() : m_status->failed();
    }
    setAnswering(false);
    Q_EMIT answerFinished();
}

void ChatPanel::setAnswering(bool answering)
{
    const Target *target = currentTarget();
    m_send->setText(answering ? tr("Stop") : tr("Send"));
    m_send->setEnabled(answering || target);
    // One answer at a time, in the conversation it was asked in.
    m_target->setEnabled(!answering);
    m_newConversation->setEnabled(!answering && target);
    m_conversations->setEnabled(!answering);
    if (answering)
        m_status->started();
}

} // namespace rag::ui
