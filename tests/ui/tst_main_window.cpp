#include "main_window.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QDragEnterEvent>
#include <QDropEvent>
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

    void createAndIngestFromTheWindow()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 30; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/note-%1.md").arg(i)),
                                    QStringLiteral("# Note %1\nHeron number %1 stands in the reeds.\n").arg(i).toUtf8()));
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/blob.txt")), test::binaryBlob()));
        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(window.createKnowledgeBase(QStringLiteral("birds")));
        QVERIFY(!window.createKnowledgeBase(QStringLiteral("birds"))); // a clear error, not a crash
        QVERIFY(window.statusText().contains(QStringLiteral("already exists")));
        auto *kbs = window.findChild<QListWidget *>(QStringLiteral("knowledgeBases"));
        QCOMPARE(kbs->currentItem()->data(Qt::UserRole).toString(), QStringLiteral("birds"));

        QSignalSpy finished(&window, &ui::MainWindow::ingestFinished);
        auto *progress = window.findChild<QProgressBar *>(QStringLiteral("ingestProgress"));
        window.ingestPaths({t.path(QStringLiteral("docs"))});
        QVERIFY(progress->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!progress->isVisible());
        const auto report = finished.first().first().value<ingest::IngestReport>();
        QCOMPARE(report.count(ingest::IngestFileOutcome::Status::Added), 30);
        QVERIFY2(window.statusText().contains(QStringLiteral("30 added")) && window.statusText().contains(QStringLiteral("1 failed"))
                     && window.statusText().contains(QStringLiteral("blob.txt")),
                 qPrintable(window.statusText()));
        QVERIFY(kbs->currentItem()->text().contains(QStringLiteral("30 documents")));

        QSignalSpy searched(&window, &ui::MainWindow::searchFinished);
        window.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->setText(QStringLiteral("heron number 7"));
        window.runSearch();
        QTRY_COMPARE_WITH_TIMEOUT(searched.size(), 1, 10000);
        QCOMPARE(window.findChild<QTreeWidget *>(QStringLiteral("searchResults"))->topLevelItem(0)->text(1),
                 QStringLiteral("note-7.md"));
        // The search says how it went on its own line; the ingestion's summary, with its
        // failure, stays until dismissed.
        auto *searchStatus = window.findChild<QLabel *>(QStringLiteral("searchStatus"));
        QVERIFY2(searchStatus->text().contains(QStringLiteral("result(s) in 'birds'")), qPrintable(searchStatus->text()));
        auto *message = window.findChild<QWidget *>(QStringLiteral("messageBar"));
        QVERIFY(message->isVisible());
        QVERIFY(window.statusText().contains(QStringLiteral("blob.txt")));
        window.findChild<QToolButton *>(QStringLiteral("dismissMessage"))->click();
        QVERIFY(!message->isVisible());
    }

    void cancelStopsAnIngestion()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 2000; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/%1.txt").arg(i)), QByteArray("kingfisher ") + QByteArray::number(i)));
        ui::MainWindow window(*t.workspace);
        QVERIFY(window.createKnowledgeBase(QStringLiteral("kb")));
        QSignalSpy finished(&window, &ui::MainWindow::ingestFinished);
        window.ingestPaths({t.path(QStringLiteral("docs"))});
        window.findChild<QPushButton *>(QStringLiteral("cancelIngest"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto report = finished.first().first().value<ingest::IngestReport>();
        QVERIFY(report.cancelled);
        QVERIFY(report.files.size() < 2000);
        QVERIFY(window.statusText().startsWith(QStringLiteral("Cancelled after")));
        QCOMPARE(t.workspace->knowledgeBase(QStringLiteral("kb"))->documents, qint64(report.count(ingest::IngestFileOutcome::Status::Added)));
    }

    // Quitting mid-ingestion: the window stops the job between files and waits for it, and
    // what was written is whole: a second run adds exactly the rest.
    void closingTheWindowStopsAnIngestion()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 2000; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/%1.txt").arg(i)), QByteArray("kingfisher ") + QByteArray::number(i)));
        {
            ui::MainWindow window(*t.workspace);
            QVERIFY(window.createKnowledgeBase(QStringLiteral("kb")));
            auto *progress = window.findChild<QProgressBar *>(QStringLiteral("ingestProgress"));
            window.ingestPaths({t.path(QStringLiteral("docs"))});
            QTRY_VERIFY_WITH_TIMEOUT(progress->value() > 0, 30000);
        }
        const qint64 kept = t.workspace->knowledgeBase(QStringLiteral("kb"))->documents;
        QVERIFY(kept > 0);
        QVERIFY(kept < 2000);
        const auto rest = t.ingest(QStringLiteral("kb"), {t.path(QStringLiteral("docs"))});
        QCOMPARE(rest.count(ingest::IngestFileOutcome::Status::Added), 2000 - kept);
        QCOMPARE(rest.count(ingest::IngestFileOutcome::Status::Unchanged), kept);
    }

    void droppedFilesAreIngested()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("dropped.md")), "# Dropped\nGannets dive from thirty metres.\n"));
        ui::MainWindow window(*t.workspace);
        QVERIFY(window.createKnowledgeBase(QStringLiteral("kb")));
        QSignalSpy finished(&window, &ui::MainWindow::ingestFinished);
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(t.path(QStringLiteral("dropped.md")))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QCOMPARE(t.workspace->knowledgeBase(QStringLiteral("kb"))->documents, 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
