// The desktop chat driven through its widgets, offscreen, against the real engine on its own
// thread: a knowledge base answered offline with citations that open their passage, an
// assistant's conversations saved, listed and reloaded, Stop during a slow stream (the simulator),
// errors in red, a reranker fallback marked, and user text never taken as markup.
#include "chat/engine_host.h"
#include "chat_panel.h"
#include "conversation_actions.h"
#include "chat_transcript.h"
#include "main_window.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QComboBox>
#include <QFrame>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTcpServer>
#include <QClipboard>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QFile>
#include <QTest>
#include <QTextDocument>
#include <QTextBlock>
#include <QTextBrowser>

using namespace rag;

namespace {

constexpr int kTimeoutMs = 20000;

// The panel's widgets, found as a user would see them.
struct Chat {
    explicit Chat(ui::ChatPanel *panel)
        : panel(panel)
        , target(panel->findChild<QComboBox *>(QStringLiteral("chatTarget")))
        , newConversation(panel->findChild<QPushButton *>(QStringLiteral("newConversation")))
        , conversations(panel->findChild<QListWidget *>(QStringLiteral("conversations")))
        , transcript(panel->findChild<ui::ChatTranscript *>(QStringLiteral("transcript")))
        , input(panel->findChild<QPlainTextEdit *>(QStringLiteral("chatInput")))
        , send(panel->findChild<QPushButton *>(QStringLiteral("sendButton")))
        , busy(panel->findChild<QProgressBar *>(QStringLiteral("chatBusy")))
        , status(panel->findChild<QLabel *>(QStringLiteral("chatStatus")))
        , passagePane(panel->findChild<QFrame *>(QStringLiteral("citationPane")))
        , passageTitle(panel->findChild<QLabel *>(QStringLiteral("citationTitle")))
        , passage(panel->findChild<QTextBrowser *>(QStringLiteral("citationPassage")))
        , finished(panel, &ui::ChatPanel::answerFinished)
        , listed(panel, &ui::ChatPanel::conversationsShown)
    {
    }
    bool found() const
    {
        return target && newConversation && conversations && transcript && input && send && busy && status && passagePane
               && passageTitle && passage;
    }
    // Types the question and presses Enter, as a user does.
    void ask(const QString &question)
    {
        input->setFocus();
        QTest::keyClicks(input, question);
        QTest::keyClick(input, Qt::Key_Return);
    }
    QString text() const { return transcript->toPlainText(); }
    QString html() const { return transcript->toHtml(); }

    ui::ChatPanel *panel;
    QComboBox *target;
    QPushButton *newConversation;
    QListWidget *conversations;
    ui::ChatTranscript *transcript;
    QPlainTextEdit *input;
    QPushButton *send;
    QProgressBar *busy;
    QLabel *status;
    QFrame *passagePane;
    QLabel *passageTitle;
    QTextBrowser *passage;
    QSignalSpy finished;
    QSignalSpy listed;
};

// The first citation link in the transcript and where it is on screen.
QUrl firstCitation(ui::ChatTranscript *transcript, QPoint *at)
{
    for (QTextBlock block = transcript->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isAnchor() || !fragment.charFormat().anchorHref().startsWith(QLatin1String("cite:")))
                continue;
            QTextCursor cursor(transcript->document());
            cursor.setPosition(fragment.position() + 1); // inside the link's text
            transcript->setTextCursor(cursor);
            transcript->ensureCursorVisible();
            const QRect caret = transcript->cursorRect(cursor);
            *at = QPoint(caret.x() + 2, caret.center().y());
            return QUrl(fragment.charFormat().anchorHref());
        }
    }
    return {};
}

// The entry of the last answer, from its action links ("action:copy/ENTRY").
int answerEntry(const QString &html)
{
    static const QRegularExpression link(QStringLiteral("action:(?:copy|ask-again)/(\\d+)"));
    int entry = -1;
    for (auto it = link.globalMatch(html); it.hasNext();)
        entry = it.next().captured(1).toInt();
    return entry;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when the server goes
}

} // namespace

class TestChatPanel : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;

    void addAssistant(const QString &name, const QString &llm = QStringLiteral("builtin"),
                      const QString &reranker = QStringLiteral("builtin"), const QString &prologue = {})
    {
        store::AssistantSpec spec;
        spec.name = name;
        spec.knowledgeBases = {QStringLiteral("nature")};
        spec.llm = llm;
        spec.reranker = reranker;
        spec.prologue = prologue;
        auto created = store::AssistantRepository(m_ws->workspace->database().connection()).create(spec);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
    }

    void addProvider(const QString &name, const QString &kind, const QString &baseUrl)
    {
        store::ProviderRecord p{name, kind, baseUrl, QStringLiteral("m")};
        p.timeoutMs = 3000;
        auto added = store::ProviderRepository(m_ws->workspace->database().connection()).add(p);
        QVERIFY2(added.ok(), added.ok() ? "" : qPrintable(added.error()));
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart. "
                                "They wrap themselves in kelp as well.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")),
                                "# Honey bees\nHoney bees dance to tell the hive where the flowers are. "
                                "The waggle dance points at the food.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        addAssistant(QStringLiteral("guide"), QStringLiteral("builtin"), QStringLiteral("builtin"),
                     QStringLiteral("Hello! Ask me about <otters> & bees."));
    }

    void cleanup() { m_ws.reset(); }

    void asksAKnowledgeBaseFromTheMainWindow()
    {
        ui::MainWindow window(*m_ws->workspace);
        window.resize(1200, 760);
        Chat chat(window.chatPanel());
        QVERIFY(chat.found());
        QSignalSpy targets(window.chatPanel(), &ui::ChatPanel::targetsShown);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.tabs()->tabText(2), QStringLiteral("Chat"));
        QCOMPARE(targets.size(), 0); // hidden: nothing read yet
        window.tabs()->setCurrentIndex(2);
        QTRY_COMPARE_WITH_TIMEOUT(targets.size(), 1, kTimeoutMs);
        QCOMPARE(chat.target->count(), 2);
        QCOMPARE(chat.target->itemText(0), QStringLiteral("guide"));
        QCOMPARE(chat.target->itemText(1), QStringLiteral("KB: nature"));

        QVERIFY(window.chatPanel()->selectTarget(QStringLiteral("KB: nature")));
        QVERIFY(!chat.conversations->isVisible()); // ad-hoc questions are not kept
        QVERIFY(chat.text().contains(QStringLiteral("not saved")));

        chat.ask(QStringLiteral("Why do sea otters hold hands?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 1, kTimeoutMs);
        QCOMPARE(chat.send->text(), QStringLiteral("Send"));
        QVERIFY(chat.input->toPlainText().isEmpty());
        QVERIFY2(chat.text().contains(QStringLiteral("hold hands while they sleep")), qPrintable(chat.text()));
        QVERIFY(chat.text().contains(QStringLiteral("Sources: [1]")));
        QVERIFY(chat.text().contains(QStringLiteral("otters.md")));
        QVERIFY(chat.text().contains(QStringLiteral("extractive answer from your documents")));
        QVERIFY(chat.html().contains(QStringLiteral("href=\"cite:")));
        QVERIFY(chat.status->text().startsWith(QStringLiteral("Answered in")));
        QCOMPARE(chat.conversations->count(), 0);

        // Clicking a citation shows the passage it names.
        QSignalSpy cited(window.chatPanel(), &ui::ChatPanel::citationShown);
        QPoint at;
        const QUrl link = firstCitation(chat.transcript, &at);
        QVERIFY(link.isValid());
        const auto reference = chat.transcript->reference(link);
        QVERIFY(reference.has_value());
        QVERIFY(!chat.passagePane->isVisible());
        QTest::mouseClick(chat.transcript->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE_WITH_TIMEOUT(cited.size(), 1, kTimeoutMs);
        QCOMPARE(cited.first().first().toInt(), reference->index);
        QVERIFY(chat.passagePane->isVisible());
        QVERIFY2(chat.passageTitle->text().contains(reference->document), qPrintable(chat.passageTitle->text()));
        // The passage reads as its Markdown renders (headings and emphasis without their marks).
        QTextDocument rendered;
        rendered.setMarkdown(reference->content);
        QVERIFY2(chat.passage->toPlainText().contains(rendered.toPlainText().trimmed().left(30)), qPrintable(chat.passage->toPlainText()));
        QTRY_VERIFY_WITH_TIMEOUT(chat.passagePane->width() > 200, kTimeoutMs); // room to read it

        // "Timing" shows how the answer was made: each stage's time, first words, total.
        QVERIFY(chat.html().contains(QStringLiteral("action:timing/")));
        chat.transcript->openLink(QUrl(QStringLiteral("action:timing/%1").arg(answerEntry(chat.html()))));
        QCOMPARE(chat.passageTitle->text(), QStringLiteral("How this answer was made"));
        const QString timing = chat.passage->toPlainText();
        QVERIFY2(timing.contains(QStringLiteral("search")) && timing.contains(QStringLiteral("rerank"))
                     && timing.contains(QStringLiteral("ms in all")),
                 qPrintable(timing));

        if (const QString shot = qEnvironmentVariable("RAGDESK_CHAT_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(window.grab().save(shot));

        // Shift+Enter is a new line, not a question.
        chat.input->setFocus();
        QTest::keyClicks(chat.input, QStringLiteral("first line"));
        QTest::keyClick(chat.input, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(chat.input, QStringLiteral("second line"));
        QCOMPARE(chat.input->toPlainText(), QStringLiteral("first line\nsecond line"));
        QVERIFY(!window.chatPanel()->isAnswering());
        QCOMPARE(chat.transcript->answerCount(), 1);
        chat.input->clear();

        // A question is text, never markup.
        chat.ask(QStringLiteral("Do <b>bees</b> & <i>otters</i> dance?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 2, kTimeoutMs);
        QVERIFY(chat.text().contains(QStringLiteral("Do <b>bees</b> & <i>otters</i> dance?")));
        QVERIFY(!chat.html().contains(QStringLiteral("<b>bees</b>")));
        QVERIFY(chat.html().contains(QStringLiteral("&lt;b&gt;bees&lt;/b&gt; &amp; &lt;i&gt;")));
        QCOMPARE(chat.transcript->answerCount(), 2);
        QVERIFY(chat.text().contains(QStringLiteral("bees.md")));
    }

    void assistantConversationsAreSavedListedAndReloaded()
    {
        chat::EngineHost host(*m_ws->workspace); // outlives the panel, as the window's does
        ui::ChatPanel panel(*m_ws->workspace, [&host] { return &host; });
        panel.resize(900, 600);
        Chat chat(&panel);
        QVERIFY(chat.found());
        QSignalSpy shown(&panel, &ui::ChatPanel::conversationShown);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE_WITH_TIMEOUT(chat.listed.size(), 1, kTimeoutMs); // "guide" is first: its (no) conversations
        QCOMPARE(chat.target->currentText(), QStringLiteral("guide"));
        QVERIFY(chat.conversations->isVisible());
        QCOMPARE(chat.conversations->count(), 0);
        // The prologue opens a new conversation, as text.
        QVERIFY2(chat.text().contains(QStringLiteral("Hello! Ask me about <otters> & bees.")), qPrintable(chat.text()));

        chat.ask(QStringLiteral("Why do sea otters hold hands?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 1, kTimeoutMs);
        QVERIFY(chat.html().contains(QStringLiteral("href=\"cite:")));
        const qint64 id = panel.conversationId();
        QVERIFY(id != 0);
        QTRY_COMPARE_WITH_TIMEOUT(chat.conversations->count(), 1, kTimeoutMs);
        QVERIFY(chat.conversations->item(0)->text().startsWith(QStringLiteral("Why do sea otters hold hands?")));
        QCOMPARE(chat.conversations->currentRow(), 0);

        // A follow-up continues the same conversation.
        chat.ask(QStringLiteral("How do honey bees point at flowers?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 2, kTimeoutMs);
        QCOMPARE(panel.conversationId(), id);
        QVERIFY2(chat.status->text().startsWith(QStringLiteral("Answered in")), qPrintable(chat.text()));
        QCOMPARE(chat.conversations->count(), 1);
        auto stored = store::ConversationRepository(m_ws->workspace->database().connection()).load(id);
        QVERIFY(stored.ok());
        QCOMPARE(stored->messages.size(), 4);
        QVERIFY(!stored->messages[3].references.isEmpty());

        // A new conversation starts empty but for the prologue...
        QTest::mouseClick(chat.newConversation, Qt::LeftButton);
        QCOMPARE(panel.conversationId(), 0);
        QCOMPARE(chat.transcript->answerCount(), 0);
        QVERIFY(chat.conversations->selectedItems().isEmpty());
        QVERIFY(chat.text().contains(QStringLiteral("Hello!")));
        QVERIFY(!chat.text().contains(QStringLiteral("sea otters hold hands")));

        // ...and picking the saved one reloads its messages.
        QTest::mouseClick(chat.conversations->viewport(), Qt::LeftButton, {},
                          chat.conversations->visualItemRect(chat.conversations->item(0)).center());
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, kTimeoutMs);
        QCOMPARE(shown.first().first().toLongLong(), id);
        QCOMPARE(panel.conversationId(), id);
        QCOMPARE(chat.transcript->answerCount(), 2);
        QVERIFY(chat.text().contains(QStringLiteral("Why do sea otters hold hands?")));
        QVERIFY(chat.text().contains(QStringLiteral("How do honey bees point at flowers?")));
        QVERIFY(chat.text().contains(QStringLiteral("Sources: [1]")));
        QVERIFY(chat.text().contains(QStringLiteral("Hello!")));
        // Citations of a reloaded answer open their passage too.
        QSignalSpy cited(&panel, &ui::ChatPanel::citationShown);
        QPoint at;
        const QUrl link = firstCitation(chat.transcript, &at);
        QVERIFY(chat.transcript->reference(link).has_value());
        chat.transcript->openLink(link);
        QCOMPARE(cited.size(), 1);
        QVERIFY(chat.passagePane->isVisible());

        // A second conversation lists first (newest first).
        QTest::mouseClick(chat.newConversation, Qt::LeftButton);
        chat.ask(QStringLiteral("Where do otters sleep?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 3, kTimeoutMs);
        QVERIFY(panel.conversationId() != id);
        QTRY_COMPARE_WITH_TIMEOUT(chat.conversations->count(), 2, kTimeoutMs);
        QVERIFY(chat.conversations->item(0)->text().startsWith(QStringLiteral("Where do otters sleep?")));
        QCOMPARE(chat.conversations->currentRow(), 0);

        // The list's actions: rename, export to Markdown, delete (the open one: a new view).
        ui::ConversationActions *actions = panel.conversationActions();
        QVERIFY(actions->renameCurrent(QStringLiteral("Otter sleep")));
        QTRY_VERIFY_WITH_TIMEOUT(chat.conversations->item(0)->text().startsWith(QStringLiteral("Otter sleep")), kTimeoutMs);
        const QString exported = m_ws->path(QStringLiteral("otter-sleep.md"));
        QVERIFY(actions->exportCurrent(exported));
        QFile file(exported);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(file.readAll());
        QVERIFY2(markdown.startsWith(QStringLiteral("# Otter sleep")) && markdown.contains(QStringLiteral("> Where do otters sleep?"))
                     && markdown.contains(QStringLiteral("Sources:")),
                 qPrintable(markdown));
        const qint64 open = panel.conversationId();
        QVERIFY(actions->deleteCurrent(true));
        QCOMPARE(panel.conversationId(), 0);
        QVERIFY(!chat.text().contains(QStringLiteral("Where do otters sleep?")));
        QTRY_COMPARE_WITH_TIMEOUT(chat.conversations->count(), 1, kTimeoutMs);
        QVERIFY(!store::ConversationRepository(m_ws->workspace->database().connection()).load(open));
    }

    void stopKeepsThePartialAnswer()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":40,"tokens_per_event":1}}})");
        addProvider(QStringLiteral("slow"), QStringLiteral("openai-compatible"), sim.url(QStringLiteral("/openai/v1")));
        addAssistant(QStringLiteral("slowpoke"), QStringLiteral("slow"));

        chat::EngineHost host(*m_ws->workspace);
        ui::ChatPanel panel(*m_ws->workspace, [&host] { return &host; });
        panel.resize(640, 380); // small, so the answer soon overflows the transcript
        Chat chat(&panel);
        QSignalSpy targets(&panel, &ui::ChatPanel::targetsShown);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE_WITH_TIMEOUT(targets.size(), 1, kTimeoutMs);
        QVERIFY(panel.selectTarget(QStringLiteral("slowpoke")));

        chat.ask(QStringLiteral("Why do sea otters hold hands?"));
        QVERIFY(panel.isAnswering());
        QCOMPARE(chat.send->text(), QStringLiteral("Stop"));
        QVERIFY(!chat.target->isEnabled()); // one answer at a time, where it was asked
        QVERIFY(chat.busy->isVisible());    // until the first words
        QTRY_VERIFY_WITH_TIMEOUT(!chat.busy->isVisible(), kTimeoutMs);
        QVERIFY(chat.status->text().startsWith(QStringLiteral("Answering")));

        // The view follows the stream while the user stays at the end...
        QScrollBar *bar = chat.transcript->verticalScrollBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 50, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(bar->value(), bar->maximum(), kTimeoutMs);
        // ...and stays where the user scrolled to.
        bar->setValue(0);
        const int grown = bar->maximum();
        QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > grown + 20, kTimeoutMs);
        QCOMPARE(bar->value(), 0);
        QVERIFY(panel.isAnswering());

        const QString partial = chat.text();
        QTest::mouseClick(chat.send, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 1, kTimeoutMs);
        QCOMPARE(chat.send->text(), QStringLiteral("Send"));
        QVERIFY(chat.send->isEnabled());
        QVERIFY(chat.target->isEnabled());
        QVERIFY(!panel.isAnswering());
        QVERIFY(chat.text().contains(QStringLiteral("stopped")));
        QVERIFY(!chat.text().contains(QStringLiteral("Error")));
        QVERIFY(chat.status->text().startsWith(QStringLiteral("Stopped after")));
        // The words seen before Stop are still there.
        const QString streamed = partial.section(QStringLiteral("slowpoke"), -1).trimmed();
        QVERIFY(streamed.size() > 20);
        QVERIFY2(chat.text().contains(streamed.left(200)), qPrintable(streamed.left(200)));
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, kTimeoutMs);
        // Nothing half-done is saved.
        auto assistant = store::AssistantRepository(m_ws->workspace->database().connection()).find(QStringLiteral("slowpoke"));
        QVERIFY(assistant.ok());
        auto saved = store::ConversationRepository(m_ws->workspace->database().connection()).list(assistant->id);
        QVERIFY(saved.ok());
        QCOMPARE(saved->size(), 0);
        QCOMPARE(chat.conversations->count(), 0);
    }

    void errorsShowInRedAndFallbacksAreMarked()
    {
        const QString down = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
        addProvider(QStringLiteral("down-llm"), QStringLiteral("openai-compatible"), down + QStringLiteral("/v1"));
        addProvider(QStringLiteral("down-rerank"), QStringLiteral("jina"), down);
        addAssistant(QStringLiteral("broken"), QStringLiteral("down-llm"));
        addAssistant(QStringLiteral("fallback"), QStringLiteral("builtin"), QStringLiteral("down-rerank"));

        chat::EngineHost host(*m_ws->workspace);
        ui::ChatPanel panel(*m_ws->workspace, [&host] { return &host; });
        panel.resize(900, 600);
        Chat chat(&panel);
        QSignalSpy targets(&panel, &ui::ChatPanel::targetsShown);
        panel.show();
        QTRY_COMPARE_WITH_TIMEOUT(targets.size(), 1, kTimeoutMs);

        QVERIFY(panel.selectTarget(QStringLiteral("broken")));
        chat.ask(QStringLiteral("Why do sea otters hold hands?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 1, kTimeoutMs);
        QVERIFY2(chat.text().contains(QStringLiteral("Error: ")), qPrintable(chat.text()));
        QVERIFY(chat.html().contains(QStringLiteral("color:#c62828")));
        QVERIFY(chat.status->text().startsWith(QStringLiteral("Failed after")));
        QCOMPARE(chat.send->text(), QStringLiteral("Send"));
        QVERIFY(chat.text().contains(QStringLiteral("Why do sea otters hold hands?"))); // the question stays
        // "Ask again" under the failed answer sends the same question again, nothing retyped.
        QVERIFY2(chat.html().contains(QStringLiteral("action:ask-again/")), qPrintable(chat.html()));
        chat.transcript->openLink(QUrl(QStringLiteral("action:ask-again/%1").arg(answerEntry(chat.html()))));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 2, kTimeoutMs);
        QCOMPARE(chat.text().count(QStringLiteral("Why do sea otters hold hands?")), 2);
        QCOMPARE(chat.text().count(QStringLiteral("Error: ")), 2);

        // A reranker that is down: the answer comes in hybrid order, and says so.
        QVERIFY(panel.selectTarget(QStringLiteral("fallback")));
        chat.ask(QStringLiteral("Why do sea otters hold hands?"));
        QTRY_COMPARE_WITH_TIMEOUT(chat.finished.size(), 3, kTimeoutMs);
        QVERIFY2(chat.text().contains(QStringLiteral("reranker failed; hybrid order used")), qPrintable(chat.text()));
        QVERIFY(chat.text().contains(QStringLiteral("hold hands while they sleep")));
        QVERIFY(!chat.text().contains(QStringLiteral("Error: ")));

        // "Copy" puts the answer on the clipboard as the reader sees it: citations numbered from 1.
        chat.transcript->openLink(QUrl(QStringLiteral("action:copy/%1").arg(answerEntry(chat.html()))));
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.contains(QStringLiteral("hold hands while they sleep")), qPrintable(copied));
        QVERIFY(copied.contains(QStringLiteral("[1]")) && !copied.contains(QStringLiteral("[ID:")));
    }
};

QTEST_MAIN(TestChatPanel)
#include "tst_chat_panel.moc"
