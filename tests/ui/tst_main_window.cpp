#include "main_window.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace rag;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void searchFromTheWindow()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands while they sleep.\n"));
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/bees.md")), "# Bees\nBees dance to point at flowers.\n"));
        t.ingest(QStringLiteral("animals"), {t.path(QStringLiteral("docs"))});

        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *kbs = window.findChild<QListWidget *>(QStringLiteral("knowledgeBases"));
        auto *query = window.findChild<QLineEdit *>(QStringLiteral("searchQuery"));
        auto *results = window.findChild<QTreeWidget *>(QStringLiteral("searchResults"));
        auto *preview = window.findChild<QTextBrowser *>(QStringLiteral("chunkPreview"));
        QVERIFY(kbs && query && results && preview);
        QCOMPARE(kbs->count(), 1);
        QVERIFY(kbs->item(0)->text().contains(QStringLiteral("2 documents")));

        QSignalSpy finished(&window, &ui::MainWindow::searchFinished);
        QTest::keyClicks(query, QStringLiteral("why do otters hold hands"));
        QTest::keyClick(query, Qt::Key_Return);
        // The search runs off the GUI thread; the count may already have moved while the key
        // event was delivered, so wait for the count rather than for a next emission.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(results->topLevelItemCount() >= 1);
        QCOMPARE(results->topLevelItem(0)->text(1), QStringLiteral("otters.md"));
        QVERIFY(preview->toPlainText().contains(QStringLiteral("hold hands")));

        if (const QString shot = qEnvironmentVariable("RAGDESK_SCREENSHOT"); !shot.isEmpty())
            window.grab().save(shot);

        query->setText(QStringLiteral("🦦"));
        QTest::keyClick(query, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        QCOMPARE(results->topLevelItemCount(), 0);

        // A search started before an older one's results came back supersedes it: only the newer
        // one shows. (Called directly: a key click may process events, finishing the first.)
        query->setText(QStringLiteral("bees dance"));
        window.runSearch();
        query->setText(QStringLiteral("otters hold hands"));
        window.runSearch();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
        QCOMPARE(results->topLevelItem(0)->text(1), QStringLiteral("otters.md"));
        // One search thread runs them in order: the older one finished first and was dropped,
        // so nothing more arrives once the newer one is shown.
        QVERIFY(!finished.wait(200));
        QCOMPARE(finished.size(), 3);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
