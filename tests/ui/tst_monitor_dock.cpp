// View > Monitor, driven as a user would: opened with F9, it starts the engine, shows the
// process's threads and the loops' lag every second, and the answers a chat question produced:
// one answered, its time to first chunk charted in the second it happened.
#include "chat_panel.h"
#include "live_chart.h"
#include "main_window.h"
#include "monitor_dock.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace rag;

namespace {
constexpr int kTimeoutMs = 30000;
}

class TestMonitorDock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsTheEngineLiveWhileAChatAnswers()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands while they sleep.\n"));
        t.ingest(QStringLiteral("nature"), {t.path(QStringLiteral("docs"))});
        ui::MainWindow window(*t.workspace);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        ui::MonitorDock *dock = window.monitorDock();
        QVERIFY(!dock->isVisible()); // closed until asked for

        QSignalSpy updated(dock, &ui::MonitorDock::updated);
        QTest::keyClick(&window, Qt::Key_F9);
        QVERIFY(dock->isVisible());
        QVERIFY(updated.wait(kTimeoutMs));
        const ui::MonitorReading idle = dock->lastReading();
        QVERIFY(idle.threads > 1);
        QVERIFY(idle.rssMb > 0);
        QCOMPARE(idle.answered, 0);
        QVERIFY2(dock->findChild<QLabel *>(QStringLiteral("monitorText"))->text().contains(QStringLiteral("loop lag p99: GUI")),
                 qPrintable(dock->findChild<QLabel *>(QStringLiteral("monitorText"))->text()));

        // A question from the Chat tab shows up as an answer with its time to first chunk.
        window.tabs()->setCurrentIndex(2);
        QTRY_VERIFY_WITH_TIMEOUT(window.chatPanel()->selectTarget(QStringLiteral("KB: nature")), kTimeoutMs);
        QSignalSpy answered(window.chatPanel(), &ui::ChatPanel::answerFinished);
        auto *input = window.chatPanel()->findChild<QPlainTextEdit *>(QStringLiteral("chatInput"));
        input->setFocus();
        QTest::keyClicks(input, QStringLiteral("Why do otters hold hands?"));
        QTest::keyClick(input, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, kTimeoutMs);
        bool charted = false; // the second it happened had a TTFC; the reading after it counts it
        QTRY_VERIFY_WITH_TIMEOUT((charted = charted || dock->lastReading().ttfcP95LastMs > 0, dock->lastReading().answered == 1 && charted),
                                 kTimeoutMs);
        QVERIFY(dock->findChild<ui::LiveChart *>(QStringLiteral("monitorThreads"))->pointCount() >= 2);
        // The answer was reranked (the built-in reranker): one rerank, no failure; and its stages
        // show as bars, search and rerank among them.
        QTRY_COMPARE_WITH_TIMEOUT(dock->lastReading().reranks, 1, kTimeoutMs);
        QCOMPARE(dock->lastReading().rerankFailures, 0);
        const QString latest = dock->findChild<QLabel *>(QStringLiteral("monitorLatest"))->text();
        QVERIFY2(latest.startsWith(QStringLiteral("<b>Latest answer</b>")) && latest.contains(QStringLiteral("<td>search</td>"))
                     && latest.contains(QStringLiteral("<td>rerank</td>")) && latest.contains(QStringLiteral("bgcolor=")),
                 qPrintable(latest));
        QVERIFY(dock->findChild<QLabel *>(QStringLiteral("monitorText"))->text().contains(QStringLiteral("failed")));

        // Closed, it stops reading.
        QTest::keyClick(&window, Qt::Key_F9);
        QVERIFY(!dock->isVisible());
        const qsizetype before = updated.size();
        QVERIFY(!updated.wait(1500));
        QCOMPARE(updated.size(), before);
    }
};

QTEST_MAIN(TestMonitorDock)
#include "tst_monitor_dock.moc"
