// The Knowledge tab's documents, driven as a user would: what a knowledge base holds and why a
// file failed, removing documents after a confirmation, reading a document's chunks, ingesting
// a changed file again, and deleting a knowledge base.
#include "document_list.h"
#include "main_window.h"
#include "support/fixtures.h"
#include "support/modal_dialogs.h"
#include "support/temp_workspace.h"

#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace rag;

namespace {
constexpr int kTimeoutMs = 30000;

QTreeWidgetItem *row(QTreeWidget *tree, const QString &name)
{
    const auto found = tree->findItems(name, Qt::MatchExactly, 0);
    return found.isEmpty() ? nullptr : found.first();
}
} // namespace

class TestDocumentList : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands while they sleep.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")), "# Bees\nHoney bees dance to point at flowers.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/blob.txt")), test::binaryBlob()));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))}, test::TempWorkspace::FailedFiles::Expected);
    }

    void cleanup() { m_ws.reset(); }

    void listsRemovesShowsAndIngestsAgain()
    {
        ui::MainWindow window(*m_ws->workspace);
        auto *list = window.findChild<ui::DocumentList *>();
        auto *tree = window.findChild<QTreeWidget *>(QStringLiteral("documentList"));
        auto *views = window.findChild<QTabWidget *>(QStringLiteral("knowledgeViews"));
        QVERIFY(list && tree && views);
        QSignalSpy shown(list, &ui::DocumentList::documentsShown);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        views->setCurrentWidget(list);
        QTRY_VERIFY_WITH_TIMEOUT(tree->topLevelItemCount() == 3, kTimeoutMs);
        QCOMPARE(views->tabText(1), QStringLiteral("Documents (3, 1 failed)"));
        QTreeWidgetItem *blob = row(tree, QStringLiteral("blob.txt"));
        QVERIFY(blob);
        QCOMPARE(blob->text(1), QStringLiteral("failed"));
        QVERIFY2(blob->text(5).contains(QStringLiteral("binary")), qPrintable(blob->text(5)));
        QVERIFY(!row(tree, QStringLiteral("otters.md"))->text(4).isEmpty()); // when it was ingested
        QCOMPARE(row(tree, QStringLiteral("otters.md"))->text(5), QString());

        // Remove asks; "No" keeps the document.
        auto *remove = window.findChild<QPushButton *>(QStringLiteral("removeDocuments"));
        QVERIFY(!remove->isEnabled()); // nothing selected
        blob->setSelected(true);
        QVERIFY(remove->isEnabled());
        QString question;
        test::answerNextMessageBox(QMessageBox::No, &question);
        remove->click();
        QVERIFY2(question.contains(QStringLiteral("'blob.txt'")) && question.contains(QStringLiteral("not touched")), qPrintable(question));
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->failedDocuments, 1);

        QSignalSpy removed(list, &ui::DocumentList::documentsRemoved);
        test::answerNextMessageBox(QMessageBox::Yes, &question);
        remove->click();
        QTRY_COMPARE_WITH_TIMEOUT(removed.size(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(tree->topLevelItemCount(), 2, kTimeoutMs);
        QCOMPARE(views->tabText(1), QStringLiteral("Documents (2)"));
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->failedDocuments, 0);
        QVERIFY2(window.statusText().contains(QStringLiteral("Removed 1 document(s)")), qPrintable(window.statusText()));

        // A document's chunks open in a dialog, rendered.
        tree->clearSelection();
        row(tree, QStringLiteral("otters.md"))->setSelected(true);
        QString chunks;
        test::whenModalShown([&chunks](QWidget *dialog) {
            chunks = dialog->findChild<QTextBrowser *>(QStringLiteral("chunkViewerText"))->toPlainText();
            dialog->close();
        });
        window.findChild<QPushButton *>(QStringLiteral("showChunks"))->click();
        QVERIFY2(chunks.contains(QStringLiteral("Chunk 1 of 1")) && chunks.contains(QStringLiteral("Sea otters hold hands")),
                 qPrintable(chunks));
        QVERIFY(!chunks.contains(u'#')); // Markdown rendered, not shown raw

        // Ingest again reads the changed file from disk and replaces it.
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")), "# Otters\nOtters use stones as tools.\n"));
        QSignalSpy ingested(&window, &ui::MainWindow::ingestFinished);
        window.findChild<QPushButton *>(QStringLiteral("reingestDocuments"))->click();
        QVERIFY(!remove->isEnabled()); // no removal while an ingestion writes
        QTRY_COMPARE_WITH_TIMEOUT(ingested.size(), 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kTimeoutMs); // the selection is kept
        QCOMPARE(ingested.first().first().value<ingest::IngestReport>().count(ingest::IngestFileOutcome::Status::Replaced), 1);
        auto found = m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("otters stones tools"), {});
        QVERIFY(found && !found->hits.isEmpty());
        QVERIFY(found->hits.first().chunk.content.contains(QStringLiteral("stones")));
    }

    void deletingAKnowledgeBaseAsksFirst()
    {
        ui::MainWindow window(*m_ws->workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *kbs = window.findChild<QListWidget *>(QStringLiteral("knowledgeBases"));
        QCOMPARE(kbs->count(), 1);
        QString question;
        test::answerNextMessageBox(QMessageBox::Cancel, &question);
        QVERIFY(!window.deleteSelectedKnowledgeBase());
        QVERIFY2(question.contains(QStringLiteral("'nature'")) && question.contains(QStringLiteral("2 documents")), qPrintable(question));
        QCOMPARE(kbs->count(), 1);

        test::answerNextMessageBox(QMessageBox::Yes, &question);
        QVERIFY(window.deleteSelectedKnowledgeBase());
        QCOMPARE(kbs->count(), 0);
        QVERIFY(!m_ws->workspace->knowledgeBase(QStringLiteral("nature")));
        QVERIFY(window.statusText().contains(QStringLiteral("Deleted the knowledge base 'nature'")));
    }
};

QTEST_MAIN(TestDocumentList)
#include "tst_document_list.moc"
