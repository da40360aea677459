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
        QVERIFY(finished.wait(10000)); // the search runs off the GUI thread
        QVERIFY(results->topLevelItemCount() >= 1);
        QCOMPARE(results->topLevelItem(0)->text(1), QStringLiteral("otters.md"));
        QVERIFY(preview->toPlainText().contains(QStringLiteral("hold hands")));

        if (const QString shot = qEnvironmentVariable("RAGDESK_SCREENSHOT"); !shot.isEmpty())
            window.grab().save(shot);

        query->setText(QStringLiteral("🦦"));
        QTest::keyClick(query, Qt::Key_Return);
        QVERIFY(finished.wait(10000));
        QCOMPARE(results->topLevelItemCount(), 0);
        QCOMPARE(finished.size(), 2);

        // A search started while another is running supersedes it: only the newer one shows.
        query->setText(QStringLiteral("bees dance"));
        QTest::keyClick(query, Qt::Key_Return);
        query->setText(QStringLiteral("otters hold hands"));
        QTest::keyClick(query, Qt::Key_Return);
        QVERIFY(finished.wait(10000));
        QCOMPARE(results->topLevelItem(0)->text(1), QStringLiteral("otters.md"));
        // One search thread runs them in order, so the older one finished (and was dropped) first.
        QCOMPARE(finished.size(), 3);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
