#include "document_list.h"

#include "api/knowledge_bases.h"
#include "markdown_html.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

namespace {
enum Column { kName, kStatus, kChunks, kSize, kIngested, kProblem };
constexpr int kPathRole = Qt::UserRole + 1;

QString ingestedAt(const QString &iso)
{
    const QDateTime when = QDateTime::fromString(iso, Qt::ISODate);
    return when.isValid() ? QLocale().toString(when.toLocalTime(), QLocale::ShortFormat) : QString();
}

// A document's chunks, one after the other, each with its number and page.
void showChunksDialog(QWidget *parent, const QString &document, const QList<store::ChunkView> &chunks)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("chunkViewer"));
    dialog.setWindowTitle(QObject::tr("Chunks of %1").arg(document));
    auto *browser = new QTextBrowser;
    browser->setObjectName(QStringLiteral("chunkViewerText"));
    QString html;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        const store::ChunkView &chunk = chunks.at(i);
        const QString heading = chunk.page > 0 ? QObject::tr("Chunk %1 of %2, page %3").arg(i + 1).arg(chunks.size()).arg(chunk.page)
                                               : QObject::tr("Chunk %1 of %2").arg(i + 1).arg(chunks.size());
        html += QStringLiteral("<hr><p style=\"font-size:small;\"><b>%1</b></p>").arg(heading.toHtmlEscaped())
                + passageToHtml(chunk.document, chunk.content);
    }
    browser->setHtml(chunks.isEmpty() ? QObject::tr("<p>This document has no chunks (it failed or was empty).</p>") : html);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(browser);
    layout->addWidget(buttons);
    dialog.resize(700, 600);
    dialog.exec();
}
} // namespace

DocumentList::DocumentList(Workspace &workspace, QWidget *parent) : QWidget(parent), m_workspace(workspace)
{
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
    m_tree = new QTreeWidget;
    m_tree->setObjectName(QStringLiteral("documentList"));
    m_tree->setRootIsDecorated(false);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(kName, Qt::AscendingOrder);
    m_tree->setHeaderLabels({tr("Document"), tr("Status"), tr("Chunks"), tr("Size"), tr("Ingested"), tr("Problem")});
    m_tree->header()->setSectionResizeMode(kProblem, QHeaderView::Stretch);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("documentStatus"));
    m_status->setWordWrap(true);
    m_remove = new QPushButton(tr("Remove..."));
    m_remove->setObjectName(QStringLiteral("removeDocuments"));
    m_remove->setToolTip(tr("Take the selected documents and their chunks out of the knowledge base (Delete)"));
    m_remove->setShortcut(QKeySequence::Delete);
    m_reingest = new QPushButton(tr("Ingest again"));
    m_reingest->setObjectName(QStringLiteral("reingestDocuments"));
    m_reingest->setToolTip(tr("Read the selected files again from disk (a failed one may succeed now)"));
    m_chunks = new QPushButton(tr("Show chunks"));
    m_chunks->setObjectName(QStringLiteral("showChunks"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_chunks);
    buttons->addWidget(m_reingest);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tree, 1);
    layout->addLayout(buttons);

    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &DocumentList::updateButtons);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, &DocumentList::showChunksOfCurrent);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeSelected(); });
    connect(m_reingest, &QPushButton::clicked, this, &DocumentList::reingestSelected);
    connect(m_chunks, &QPushButton::clicked, this, &DocumentList::showChunksOfCurrent);
    updateButtons();
}

DocumentList::~DocumentList()
{
    // Both hold the workspace, which outlives the window but not the app.
    m_read.waitForFinished();
    m_removal.waitForFinished();
}

void DocumentList::setKnowledgeBase(const QString &name)
{
    if (name == m_knowledgeBase && !name.isEmpty())
        return; // the same one: reload() is for when its documents changed
    m_knowledgeBase = name;
    reload();
}

void DocumentList::reload()
{
    if (m_knowledgeBase.isEmpty()) {
        showListing({});
        return;
    }
    m_read = m_reads.run(
        [kbs = api::KnowledgeBases(m_workspace), name = m_knowledgeBase] {
            auto documents = kbs.documents(name);
            return documents ? Listing{*documents, {}} : Listing{{}, documents.error()};
        },
        [this](const Listing &listing) { showListing(listing); });
}

void DocumentList::showListing(const Listing &listing)
{
    const QStringList selected = selectedPaths();
    m_tree->setSortingEnabled(false);
    m_tree->clear();
    int failed = 0;
    for (const api::StoredDocument &doc : listing.documents) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(kName, doc.name);
        item->setToolTip(kName, doc.path);
        item->setData(kName, kPathRole, doc.path);
        const bool ok = doc.status == u"ready";
        failed += ok ? 0 : 1;
        item->setText(kStatus, ok ? tr("ready") : tr("failed"));
        item->setData(kChunks, Qt::DisplayRole, doc.chunkCount);
        item->setText(kSize, QLocale().formattedDataSize(doc.size));
        item->setText(kIngested, ingestedAt(doc.updatedAt));
        item->setText(kProblem, doc.error);
        item->setToolTip(kProblem, doc.error);
        if (selected.contains(doc.path))
            item->setSelected(true);
    }
    m_tree->setSortingEnabled(true);
    for (int c = 0; c < kProblem; ++c)
        m_tree->resizeColumnToContents(c);
    if (!listing.error.isEmpty())
        m_status->setText(listing.error);
    else if (m_knowledgeBase.isEmpty())
        m_status->setText(tr("Select a knowledge base"));
    else
        m_status->setText(failed > 0 ? tr("%n document(s), %1 failed", nullptr, int(listing.documents.size())).arg(failed)
                                     : tr("%n document(s)", nullptr, int(listing.documents.size())));
    updateButtons();
    Q_EMIT documentsShown(int(listing.documents.size()), failed);
}

QStringList DocumentList::selectedPaths() const
{
    QStringList paths;
    for (const QTreeWidgetItem *item : m_tree->selectedItems())
        paths.append(item->data(kName, kPathRole).toString());
    return paths;
}

void DocumentList::updateButtons()
{
    const int count = int(m_tree->selectedItems().size());
    const bool idle = !m_removing && m_writesAllowed;
    m_remove->setEnabled(count > 0 && idle);
    m_reingest->setEnabled(count > 0 && idle);
    m_chunks->setEnabled(count == 1);
}

void DocumentList::removeSelected(bool confirmed)
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty() || m_removing || !m_writesAllowed)
        return;
    if (!confirmed) {
        const QString what = paths.size() == 1 ? QStringLiteral("'%1'").arg(m_tree->selectedItems().first()->text(kName))
                                               : tr("%n documents", nullptr, int(paths.size()));
        const auto answer = QMessageBox::question(
            this, tr("Remove documents"),
            tr("Remove %1 from '%2'?\n\nTheir chunks leave search at once. The files on disk are not touched; "
               "ingest them again to bring them back.")
                .arg(what, m_knowledgeBase),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
    }
    m_status->setText(tr("Removing..."));
    m_removing = true;
    m_removal = QtConcurrent::run(&m_thread, [&workspace = m_workspace, kb = m_knowledgeBase, paths, this] {
        auto removed = workspace.removeDocuments(kb, paths);
        QMetaObject::invokeMethod(this, [this, removed] {
            m_removing = false;
            if (!removed) {
                m_status->setText(removed.error());
                updateButtons();
                return;
            }
            reload();
            Q_EMIT documentsRemoved(*removed);
        }, Qt::QueuedConnection);
    });
    updateButtons();
}

void DocumentList::setWritesAllowed(bool allowed)
{
    m_writesAllowed = allowed;
    m_remove->setToolTip(allowed ? tr("Take the selected documents and their chunks out of the knowledge base (Delete)")
                                 : tr("An ingestion is running: remove documents once it has finished"));
    updateButtons();
}

void DocumentList::reingestSelected()
{
    if (const QStringList paths = selectedPaths(); !paths.isEmpty())
        Q_EMIT reingestRequested(paths);
}

void DocumentList::showChunksOfCurrent()
{
    const QList<QTreeWidgetItem *> selected = m_tree->selectedItems();
    if (selected.size() != 1)
        return;
    const QString name = selected.first()->text(kName);
    // One document's chunks: a short read, and the dialog needs them to open.
    auto chunks = api::KnowledgeBases(m_workspace).documentChunks(m_knowledgeBase, selected.first()->data(kName, kPathRole).toString());
    if (!chunks) {
        m_status->setText(chunks.error());
        return;
    }
    showChunksDialog(this, name, *chunks);
}

} // namespace rag::ui
