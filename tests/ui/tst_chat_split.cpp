// Several chats side by side on the Chat tab, each with its own assistant: View > New chat side
// by side opens one, both answer at once into their own conversations, closing a chat stops the
// answer it was streaming (the simulator sees the request go), and there are at most four.
#include "chat_panel.h"
#include "chat_split.h"
#include "main_window.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QAction>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>

using namespace rag;

namespace {

constexpr int kTimeoutMs = 20000;
constexpr int kChatTab = 2;

} // namespace

class TestChatSplit : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<ui::MainWindow> m_window;

    void addAssistant(const QString &name, const QString &llm = QStringLiteral("builtin"))
    {
        store::AssistantSpec spec;
        spec.name = name;
        spec.knowledgeBases = {QStringLiteral("nature")};
        spec.llm = llm;
        auto created = store::AssistantRepository(m_ws->workspace->database().connection()).create(spec);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
    }

    qint64 assistantId(const QString &name)
    {
        auto found = store::AssistantRepository(m_ws->workspace->database().connection()).find(name);
        return found ? found->id : 0;
    }

    qsizetype conversationsOf(const QString &assistant)
    {
        auto listed = store::ConversationRepository(m_ws->workspace->database().connection()).list(assistantId(assistant));
        return listed ? listed->size() : -1;
    }

    // The window on the Chat tab with a second chat beside the first, both listing targets.
    ui::ChatSplit *openTwoChats()
    {
        m_window = std::make_unique<ui::MainWindow>(*m_ws->workspace);
        m_window->resize(1400, 800);
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get()))
            return nullptr;
        ui::ChatSplit *chats = m_window->chats();
        QSignalSpy firstListed(chats->first(), &ui::ChatPanel::targetsShown);
        m_window->tabs()->setCurrentIndex(kChatTab);
        auto *action = m_window->findChild<QAction *>(QStringLiteral("chatSideBySideAction"));
        if (!action || !firstListed.wait(kTimeoutMs))
            return nullptr;
        action->trigger();
        if (chats->chats().size() != 2)
            return nullptr;
        QSignalSpy secondListed(chats->chats().at(1), &ui::ChatPanel::targetsShown);
        return secondListed.wait(kTimeoutMs) ? chats : nullptr;
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")),
                                "# Honey bees\nHoney bees dance to tell the hive where the flowers are.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        addAssistant(QStringLiteral("guide"));
        addAssistant(QStringLiteral("helper"));
    }

    void cleanup()
    {
        m_window.reset();
        m_ws.reset();
    }

    void twoChatsAnswerAtOnceEachWithItsAssistant()
    {
        ui::ChatSplit *chats = openTwoChats();
        QVERIFY(chats);
        ui::ChatPanel *left = chats->chats().at(0);
        ui::ChatPanel *right = chats->chats().at(1);
        QCOMPARE(left, m_window->chatPanel());
        QVERIFY(!left->findChild<QToolButton *>(QStringLiteral("closeChat"))); // the first stays
        QVERIFY(right->findChild<QToolButton *>(QStringLiteral("closeChat"))->isVisible());
        QVERIFY(right->isVisible() && right->x() > left->x()); // beside it, to the right

        QVERIFY(left->selectTarget(QStringLiteral("guide")));
        QVERIFY(right->selectTarget(QStringLiteral("helper")));
        QSignalSpy leftDone(left, &ui::ChatPanel::answerFinished);
        QSignalSpy rightDone(right, &ui::ChatPanel::answerFinished);
        left->ask(QStringLiteral("Why do sea otters hold hands?"));
        right->ask(QStringLiteral("How do honey bees point at flowers?"));
        QVERIFY(left->isAnswering() || !leftDone.isEmpty());
        QVERIFY(right->isAnswering() || !rightDone.isEmpty()); // the left's answer does not lock the right
        QTRY_VERIFY_WITH_TIMEOUT(!leftDone.isEmpty() && !rightDone.isEmpty(), kTimeoutMs);

        QVERIFY(left->conversationId() != 0 && right->conversationId() != 0);
        QVERIFY(left->conversationId() != right->conversationId());
        QTRY_COMPARE_WITH_TIMEOUT(conversationsOf(QStringLiteral("guide")), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(conversationsOf(QStringLiteral("helper")), 1, kTimeoutMs);
        auto leftStored = store::ConversationRepository(m_ws->workspace->database().connection()).load(left->conversationId());
        QVERIFY(leftStored && leftStored->messages.constFirst().content.contains(QStringLiteral("otters")));
        if (const QString shot = qEnvironmentVariable("RAGDESK_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(m_window->grab().save(shot));
    }

    void closingAChatStopsItsAnswer()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":20,"tokens_per_event":1}}})");
        store::ProviderRecord slow{QStringLiteral("slow"), QStringLiteral("openai-compatible"), sim.url(QStringLiteral("/openai/v1")),
                                   QStringLiteral("m")};
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(slow));
        addAssistant(QStringLiteral("slowpoke"), QStringLiteral("slow"));

        ui::ChatSplit *chats = openTwoChats();
        QVERIFY(chats);
        ui::ChatPanel *right = chats->chats().at(1);
        QVERIFY(right->selectTarget(QStringLiteral("slowpoke")));
        right->ask(QStringLiteral("Why do sea otters hold hands?"));
        QVERIFY(right->isAnswering());
        QTRY_VERIFY_WITH_TIMEOUT(sim.counters().inFlight.load() > 0, kTimeoutMs);

        QSignalSpy changed(chats, &ui::ChatSplit::chatsChanged);
        QTest::mouseClick(right->findChild<QToolButton *>(QStringLiteral("closeChat")), Qt::LeftButton);
        QCOMPARE(chats->chats().size(), 1);
        QCOMPARE(changed.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(sim.counters().inFlight.load(), 0, kTimeoutMs); // the stream was cancelled
        QCOMPARE(conversationsOf(QStringLiteral("slowpoke")), 0);                  // nothing half-done saved
    }

    void atMostFourChats()
    {
        ui::ChatSplit *chats = openTwoChats();
        QVERIFY(chats);
        auto *action = m_window->findChild<QAction *>(QStringLiteral("chatSideBySideAction"));
        QVERIFY(chats->addChat(chats->first()));
        QVERIFY(chats->addChat());
        QCOMPARE(chats->chats().size(), ui::ChatSplit::kMaxChats);
        QVERIFY(!chats->addChat());
        QVERIFY(!action->isEnabled());
        for (ui::ChatPanel *chat : chats->chats())
            QVERIFY(!chat->findChild<QToolButton *>(QStringLiteral("chatSideBySide"))->isEnabled());
        // The chat opened beside the first sits right of it, before the one opened earlier.
        QCOMPARE(chats->findChild<QSplitter *>(QStringLiteral("chatSplit"))->indexOf(chats->chats().at(2)), 1);

        chats->closeChat(chats->chats().at(3));
        QCOMPARE(chats->chats().size(), 3);
        QVERIFY(action->isEnabled());
        chats->closeChat(chats->first()); // the first cannot be closed
        QCOMPARE(chats->chats().size(), 3);
    }
};

QTEST_MAIN(TestChatSplit)
#include "tst_chat_split.moc"
