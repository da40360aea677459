// The main views as a new user meets them, on the demo knowledge base (resources/demo): empty,
// searched, chatted with, its rerank calls, a load test's result. A test like the others; with
// RAGDESK_SCREENSHOT_DIR set it also saves each view as a PNG there (scripts/screenshots.sh,
// which writes docs/screenshots/ for the README).
#include "call_inspector.h"
#include "chat_panel.h"
#include "chat_transcript.h"
#include "load_test_panel.h"
#include "main_window.h"
#include "monitor_dock.h"
#include "providers_dialog.h"
#include "rerank_replay_dialog.h"
#include "api/configured_providers.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace rag;

namespace {
constexpr int kTimeoutMs = 60000;
enum Tab { kKnowledgeTab, kCallsTab, kChatTab, kLoadTestTab };

// Saves the window as NAME.png when screenshots were asked for.
void shoot(QWidget &window, const char *name)
{
    const QString dir = qEnvironmentVariable("RAGDESK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    // Layouts settle through posted events: let a text set just now take its room first.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png"))));
}
} // namespace

class TestScreenshots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mainViews()
    {
        test::TempWorkspace t;
        ui::MainWindow window(*t.workspace);
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.statusText().startsWith(QStringLiteral("No knowledge bases yet")));
        shoot(window, "welcome");

        // Knowledge: the demo knowledge base, ingested from the window, then searched.
        QVERIFY(window.createKnowledgeBase(QStringLiteral("demo")));
        QSignalSpy ingested(&window, &ui::MainWindow::ingestFinished);
        window.ingestPaths({qEnvironmentVariable("RAGDESK_SOURCE_DIR") + QStringLiteral("/resources/demo")});
        QTRY_COMPARE_WITH_TIMEOUT(ingested.size(), 1, kTimeoutMs);
        QVERIFY2(window.statusText().contains(QStringLiteral("0 failed")), qPrintable(window.statusText()));
        QSignalSpy searched(&window, &ui::MainWindow::searchFinished);
        window.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->setText(QStringLiteral("How does the reranker change the order of results?"));
        window.runSearch();
        QTRY_COMPARE_WITH_TIMEOUT(searched.size(), 1, kTimeoutMs);
        QVERIFY(window.findChild<QTreeWidget *>(QStringLiteral("searchResults"))->topLevelItemCount() > 0);
        shoot(window, "knowledge");
        auto *views = window.findChild<QTabWidget *>(QStringLiteral("knowledgeViews"));
        views->setCurrentIndex(1);
        auto *documents = window.findChild<QTreeWidget *>(QStringLiteral("documentList"));
        QTRY_COMPARE_WITH_TIMEOUT(documents->topLevelItemCount(), 12, kTimeoutMs);
        shoot(window, "documents");
        views->setCurrentIndex(0);

        // Chat: a question to the knowledge base, answered with the built-in providers.
        window.tabs()->setCurrentIndex(kChatTab);
        ui::ChatPanel *chat = window.chatPanel();
        QTRY_VERIFY_WITH_TIMEOUT(chat->selectTarget(QStringLiteral("KB: demo")), kTimeoutMs);
        QSignalSpy answered(chat, &ui::ChatPanel::answerFinished);
        auto *input = chat->findChild<QPlainTextEdit *>(QStringLiteral("chatInput"));
        input->setFocus();
        QTest::keyClicks(input, QStringLiteral("What does the vector weight do?"));
        QTest::keyClick(input, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, kTimeoutMs);
        const QString transcript = chat->findChild<ui::ChatTranscript *>(QStringLiteral("transcript"))->toPlainText();
        QVERIFY2(transcript.contains(QStringLiteral("Sources:")), qPrintable(transcript));
        // The answer's timing beside it (only an answer's entry has one).
        auto *transcriptView = chat->findChild<ui::ChatTranscript *>(QStringLiteral("transcript"));
        for (int entry = 0; entry < 8; ++entry)
            transcriptView->openLink(QUrl(QStringLiteral("action:timing/%1").arg(entry)));
        QVERIFY(chat->findChild<QFrame *>(QStringLiteral("citationPane"))->isVisible());
        shoot(window, "chat");

        // The monitor beside the chat, after a few seconds of readings.
        QSignalSpy readings(window.monitorDock(), &ui::MonitorDock::updated);
        window.monitorDock()->show();
        QTRY_VERIFY_WITH_TIMEOUT(readings.size() >= 3, kTimeoutMs);
        shoot(window, "monitor");
        window.monitorDock()->hide();

        // Rerank calls: the chat's call to the built-in reranker is logged.
        QSignalSpy calls(window.callInspector(), &ui::CallInspector::callsShown);
        window.tabs()->setCurrentIndex(kCallsTab);
        QTRY_VERIFY_WITH_TIMEOUT(!calls.isEmpty() && calls.last().first().toInt() >= 1, kTimeoutMs);
        QSignalSpy details(window.callInspector(), &ui::CallInspector::detailsShown);
        auto *table = window.callInspector()->findChild<QTableView *>(QStringLiteral("callTable"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 1)).center());
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 1, kTimeoutMs);
        QVERIFY(window.callInspector()->findChild<QPlainTextEdit *>(QStringLiteral("requestBody"))->toPlainText().contains(QStringLiteral("vector weight")));
        shoot(window, "rerank-calls");


        // Providers: one added from the dialog (not called: TEI needs no key or model).
        ui::ProvidersDialog providers(*t.workspace, &window);
        providers.show();
        QVERIFY(QTest::qWaitForWindowExposed(&providers));
        providers.findChild<QLineEdit *>(QStringLiteral("providerName"))->setText(QStringLiteral("local-tei"));
        auto *kind = providers.findChild<QComboBox *>(QStringLiteral("providerKind"));
        kind->setCurrentIndex(kind->findData(QStringLiteral("tei")));
        providers.findChild<QLineEdit *>(QStringLiteral("providerBaseUrl"))->setText(QStringLiteral("http://localhost:8080"));
        QVERIFY(providers.save());
        shoot(providers, "providers");
        providers.close();

        // Replay (back on the rerank calls): the chat's call sent to a Jina reranker (the simulator, over loopback), the two
        // rankings side by side.
        test::SimulatorThread simulator;
        QString warning;
        QVERIFY(api::ConfiguredProviders(*t.workspace)
                    .add({QStringLiteral("jina-sim"), QStringLiteral("jina"), simulator.url(QStringLiteral("/jina/v1")),
                          QStringLiteral("jina-reranker-v2")},
                         QStringLiteral("sk-screenshot"), &warning));
        QSignalSpy opened(window.callInspector(), &ui::CallInspector::replayOpened);
        QTest::mouseClick(window.callInspector()->findChild<QPushButton *>(QStringLiteral("replayCall")), Qt::LeftButton);
        QCOMPARE(opened.size(), 1);
        auto *replay = qobject_cast<ui::RerankReplayDialog *>(opened.first().first().value<QDialog *>());
        QVERIFY(replay);
        auto *reranker = replay->findChild<QComboBox *>(QStringLiteral("replayReranker"));
        QCOMPARE(reranker->currentData().toString(), QStringLiteral("jina-sim"));
        QSignalSpy replayed(replay, &ui::RerankReplayDialog::replayed);
        QTest::mouseClick(replay->findChild<QPushButton *>(QStringLiteral("runReplay")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(replayed.size(), 1, kTimeoutMs);
        QVERIFY2(replay->report().ok(), qPrintable(replay->report().error));
        shoot(*replay, "rerank-replay");
        replay->reject();

        // Load test: a short run against the instant simulator, its result on screen.
        window.tabs()->setCurrentIndex(kLoadTestTab);
        ui::LoadTestPanel *load = window.loadTestPanel();
        load->setSimulatorProgram(qEnvironmentVariable("RAGDESK_BINARY"));
        auto *kb = load->findChild<QComboBox *>(QStringLiteral("loadTestKb"));
        QTRY_VERIFY_WITH_TIMEOUT(kb->findText(QStringLiteral("demo")) >= 0, kTimeoutMs);
        kb->setCurrentIndex(kb->findText(QStringLiteral("demo")));
        auto *profile = load->findChild<QComboBox *>(QStringLiteral("loadTestProfile"));
        profile->setCurrentIndex(profile->findData(QStringLiteral("instant")));
        load->findChild<QSpinBox *>(QStringLiteral("loadTestUsers"))->setValue(4);
        load->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestWarmup"))->setValue(0);
        load->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestDuration"))->setValue(3);
        QSignalSpy ran(load, &ui::LoadTestPanel::runFinished);
        QVERIFY(load->run());
        QTRY_COMPARE_WITH_TIMEOUT(ran.size(), 1, kTimeoutMs);
        QVERIFY2(ran.first().first().toBool(), qPrintable(load->findChild<QLabel *>(QStringLiteral("loadTestError"))->text()));
        shoot(window, "load-test");
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
