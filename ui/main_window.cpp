#include "main_window.h"

#include "api/configured_providers.h"
#include "api/knowledge_bases.h"
#include "assistants_dialog.h"
#include "call_inspector.h"
#include "chat/engine_host.h"
#include "chat_panel.h"
#include "chat_split.h"
#include "document_list.h"
#include "ingest_panel.h"
#include "load_test_panel.h"
#include "loadtest/load_test_host.h"
#include "main_menu.h"
#include "message_bar.h"
#include "monitor_dock.h"
#include "new_knowledge_base_dialog.h"
#include "providers_dialog.h"
#include "search_pane.h"
#include "welcome_page.h"
#include "workspace/workspace.h"

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace rag::ui {

MainWindow::MainWindow(Workspace &workspace, QWidget *parent) : QMainWindow(parent), m_workspace(workspace)
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/ragdesk.svg")));
    // The first size fits a small or scaled screen (at 150% a 1366x768 laptop has 910x512).
    resize(QSize(1100, 700).boundedTo(screen()->availableGeometry().size() * 0.9));

    m_kbList = new QListWidget;
    m_kbList->setObjectName(QStringLiteral("knowledgeBases"));
    m_searchPane = new SearchPane(m_workspace);
    connect(m_searchPane, &SearchPane::searchFinished, this, &MainWindow::searchFinished);
    m_messages = new MessageBar;

    m_documents = new DocumentList(m_workspace);
    connect(m_documents, &DocumentList::reingestRequested, this, &MainWindow::ingestPaths);
    connect(m_documents, &DocumentList::documentsRemoved, this, [this](int count) {
        const QString kb = selectedKnowledgeBase();
        reloadKnowledgeBases();
        selectKnowledgeBase(kb);
        m_messages->showMessage(tr("Removed %n document(s) from '%1'", nullptr, count).arg(kb));
    });
    connect(m_documents, &DocumentList::documentsShown, this, [this](int count, int failed) {
        m_knowledgeViews->setTabText(1, failed > 0 ? tr("Documents (%1, %2 failed)").arg(count).arg(failed)
                                                   : tr("Documents (%1)").arg(count));
    });
    m_knowledgeViews = new QTabWidget;
    m_knowledgeViews->setObjectName(QStringLiteral("knowledgeViews"));
    m_knowledgeViews->addTab(m_searchPane, tr("Search"));
    m_knowledgeViews->addTab(m_documents, tr("Documents"));
    m_kbList->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto *split = new QSplitter;
    split->addWidget(m_kbList);
    split->addWidget(m_knowledgeViews);
    split->setStretchFactor(1, 4);
    auto *welcome = new WelcomePage;
    connect(welcome, &WelcomePage::newKnowledgeBaseRequested, this, &MainWindow::promptNewKnowledgeBase);
    connect(welcome, &WelcomePage::providersRequested, this, &MainWindow::showProviders);
    m_knowledgePages = new QStackedWidget;
    m_knowledgePages->addWidget(welcome);
    m_knowledgePages->addWidget(split);
    auto *knowledge = new QWidget;
    auto *knowledgeLayout = new QVBoxLayout(knowledge);
    knowledgeLayout->setContentsMargins(0, 0, 0, 0);
    knowledgeLayout->addWidget(m_messages);
    knowledgeLayout->addWidget(m_knowledgePages, 1);
    // The inspector queries when its tab is shown (see CallInspector::showEvent), not before.
    m_callInspector = new CallInspector(m_workspace);
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(knowledge, tr("Knowledge"));
    m_tabs->addTab(m_callInspector, tr("Rerank calls"));
    // Like the inspector, the chat reads the database when its tab is shown.
    m_chats = new ChatSplit(m_workspace, [this] { return &engineHost(); });
    m_tabs->addTab(m_chats, tr("Chat"));
    m_loadTest = new LoadTestPanel(m_workspace, [this] { return &loadTestHost(); });
    m_tabs->addTab(m_loadTest, tr("Load test"));
    setCentralWidget(m_tabs);
    m_ingest = new IngestPanel(m_workspace);
    statusBar()->addPermanentWidget(m_ingest);
    connect(m_ingest, &IngestPanel::finished, this, &MainWindow::showIngestReport);
    setAcceptDrops(true);
    m_monitor = new MonitorDock([this] { return &engineHost(); }, this);
    m_monitor->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea | Qt::BottomDockWidgetArea);
    addDockWidget(Qt::RightDockWidgetArea, m_monitor);
    m_monitor->hide(); // View > Monitor; the window's saved state may show it again
    m_menu = new MainMenu(*this);
    buildToolBar();
    connect(m_loadTest, &LoadTestPanel::runFinished, this, [this] {
        if (m_quitting)
            close();
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateWindowTitle);

    connect(m_kbList, &QListWidget::currentRowChanged, this, &MainWindow::knowledgeBaseSelected);
    reloadKnowledgeBases();
    restoreSettings();
    updateWindowTitle();
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Knowledge bases"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->addAction(m_menu->newKnowledgeBase());
    bar->addAction(m_menu->addFiles());
    bar->addAction(m_menu->addFolder());
    m_kbList->addAction(m_menu->addFiles());
    m_kbList->addAction(m_menu->addFolder());
    m_kbList->addAction(m_menu->deleteKnowledgeBase());
}

void MainWindow::promptNewKnowledgeBase()
{
    NewKnowledgeBaseDialog dialog(m_workspace, api::ConfiguredProviders(m_workspace).namesServing(QStringLiteral("embeddings")), this);
    if (dialog.exec() == QDialog::Accepted)
        createKnowledgeBase(dialog.spec());
}

bool MainWindow::deleteSelectedKnowledgeBase(bool confirmed)
{
    const QString kb = selectedKnowledgeBase();
    if (kb.isEmpty())
        return false;
    if (m_ingest->isRunning()) {
        m_messages->showMessage(tr("An ingestion is running: let it finish or cancel it before deleting a knowledge base"),
                                MessageBar::Kind::Warning);
        return false;
    }
    if (!confirmed) {
        const QString counts = m_kbList->currentItem()->text().section(u'\n', 1);
        const auto answer = QMessageBox::warning(
            this, tr("Delete knowledge base"),
            tr("Delete the knowledge base '%1' (%2)?\n\nIts documents and chunks are removed from ragdesk; the files "
               "on disk are not touched. This cannot be undone.")
                .arg(kb, counts),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return false;
    }
    if (auto removed = m_workspace.removeKnowledgeBase(kb); !removed) {
        m_messages->showMessage(removed.error(), MessageBar::Kind::Warning);
        return false;
    }
    reloadKnowledgeBases();
    m_messages->showMessage(tr("Deleted the knowledge base '%1'").arg(kb));
    return true;
}

void MainWindow::promptAddFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add files"), {}, tr("Documents (*.txt *.md *.markdown *.html *.htm *.pdf *.docx *.csv)"));
    if (!files.isEmpty())
        ingestPaths(files);
}

void MainWindow::promptAddFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add folder"));
    if (!folder.isEmpty())
        ingestPaths({folder});
}

void MainWindow::showProviders()
{
    ProvidersDialog dialog(m_workspace, this);
    dialog.exec();
}

void MainWindow::showAssistants()
{
    AssistantsDialog dialog(m_workspace, this);
    dialog.exec();
    m_chats->reloadTargets(); // the chats offer what was created, changed or removed
}

void MainWindow::focusSearch()
{
    m_tabs->setCurrentIndex(0);
    m_searchPane->focusQuery();
}

bool MainWindow::createKnowledgeBase(const QString &name)
{
    api::KnowledgeBaseSpec spec;
    spec.name = name;
    return createKnowledgeBase(spec);
}

bool MainWindow::createKnowledgeBase(const api::KnowledgeBaseSpec &spec)
{
    auto kb = m_workspace.createKnowledgeBase(spec);
    if (!kb) {
        m_messages->showMessage(kb.error(), MessageBar::Kind::Warning);
        return false;
    }
    reloadKnowledgeBases();
    selectKnowledgeBase(kb->spec.name);
    m_messages->showMessage(tr("Created knowledge base '%1': add files or a folder, or drop them here").arg(kb->spec.name));
    return true;
}

void MainWindow::ingestPaths(const QStringList &paths)
{
    const QString kb = selectedKnowledgeBase();
    if (kb.isEmpty()) {
        m_messages->showMessage(tr("Create or select a knowledge base first"), MessageBar::Kind::Warning);
        return;
    }
    if (const QString error = m_ingest->start(kb, paths); !error.isEmpty())
        m_messages->showMessage(error, MessageBar::Kind::Warning);
    else
        m_documents->setWritesAllowed(false); // until the ingestion has finished
}

void MainWindow::showIngestReport(const ingest::IngestReport &report)
{
    using Status = ingest::IngestFileOutcome::Status;
    QString summary = tr("%1 %2 files: %3 added, %4 replaced, %5 unchanged, %6 failed, %7 skipped")
                          .arg(report.cancelled ? tr("Cancelled after") : tr("Ingested"))
                          .arg(report.files.size())
                          .arg(report.count(Status::Added))
                          .arg(report.count(Status::Replaced))
                          .arg(report.count(Status::Unchanged))
                          .arg(report.count(Status::Failed))
                          .arg(report.count(Status::Skipped));
    QStringList failures;
    for (const ingest::IngestFileOutcome &file : report.files) {
        if (file.status == Status::Failed)
            failures.append(QStringLiteral("%1: %2").arg(QFileInfo(file.path).fileName(), file.error));
    }
    if (!report.fatalError.isEmpty())
        failures.prepend(report.fatalError);
    if (!failures.isEmpty())
        summary += QStringLiteral(" (") + failures.first() + (failures.size() > 1 ? tr(", ...)") : QStringLiteral(")"));
    const QString kb = selectedKnowledgeBase();
    reloadKnowledgeBases();
    selectKnowledgeBase(kb);
    // Stays until dismissed or replaced by a newer message: a search does not wipe it.
    m_documents->setWritesAllowed(true);
    m_documents->reload();
    m_messages->showMessage(summary, failures.isEmpty() ? MessageBar::Kind::Info : MessageBar::Kind::Warning,
                            failures.join(u'\n'));
    Q_EMIT ingestFinished(report);
    if (m_quitting)
        close();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    if (!paths.isEmpty()) {
        event->acceptProposedAction();
        ingestPaths(paths);
    }
}

QStringList MainWindow::runningWork() const
{
    QStringList work;
    if (m_ingest->isRunning())
        work.append(tr("An ingestion"));
    if (m_loadTest && m_loadTest->isRunning())
        work.append(tr("A load test"));
    return work;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const QStringList work = runningWork();
    if (!work.isEmpty() && !m_quitting) {
        const auto answer = QMessageBox::question(
            this, tr("Quit ragdesk?"),
            tr("%1 is running. Quit anyway?\n\nIt is stopped first: documents already ingested are kept, "
               "and a load test reports what it measured until the stop.")
                .arg(work.join(tr(" and "))),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_quitting = true;
        m_ingest->cancel();
        m_loadTest->stop();
    }
    if (!work.isEmpty()) {
        // Closed again once the work has stopped (see showIngestReport and runFinished).
        const QString stopping = tr("Stopping before quitting: %1...").arg(work.join(tr(", ")).toLower());
        m_messages->showMessage(stopping);
        statusBar()->showMessage(stopping);
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

void MainWindow::updateWindowTitle()
{
    const QString kb = selectedKnowledgeBase();
    const QString place = m_tabs->currentIndex() == 0 ? kb : m_tabs->tabText(m_tabs->currentIndex());
    setWindowTitle(place.isEmpty() ? QStringLiteral("ragdesk") : tr("%1 - ragdesk").arg(place));
}

// Where the window was, which tab and which knowledge base were showing (docs/desktop.md).
void MainWindow::restoreSettings()
{
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    m_loadTest->form()->restoreSettings(settings);
    selectKnowledgeBase(settings.value(QStringLiteral("window/knowledgeBase")).toString());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    m_loadTest->form()->saveSettings(settings);
    settings.setValue(QStringLiteral("window/knowledgeBase"), selectedKnowledgeBase());
}

QString MainWindow::statusText() const
{
    return m_messages->text();
}

QString MainWindow::selectedKnowledgeBase() const
{
    const QListWidgetItem *item = m_kbList->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void MainWindow::selectKnowledgeBase(const QString &name)
{
    for (int row = 0; row < m_kbList->count(); ++row) {
        if (m_kbList->item(row)->data(Qt::UserRole).toString() == name)
            m_kbList->setCurrentRow(row);
    }
}

MainWindow::~MainWindow()
{
    // The chat's handles go before the host that feeds them (the host would drop late outcomes
    // anyway); the host then cancels what is still in flight and stops its thread.
    delete m_chats;
    m_chats = nullptr;
    m_engineHost.reset();
    // Likewise the load test: the host stops a run still going and waits for it to unwind.
    delete m_loadTest;
    m_loadTest = nullptr;
    m_loadTestHost.reset();
}

ChatPanel *MainWindow::chatPanel() const
{
    return m_chats->first();
}

chat::EngineHost &MainWindow::engineHost()
{
    if (!m_engineHost)
        m_engineHost = std::make_unique<chat::EngineHost>(m_workspace);
    return *m_engineHost;
}

loadtest::LoadTestHost &MainWindow::loadTestHost()
{
    if (!m_loadTestHost)
        m_loadTestHost = std::make_unique<loadtest::LoadTestHost>(m_workspace);
    return *m_loadTestHost;
}

void MainWindow::knowledgeBaseSelected()
{
    updateWindowTitle();
    m_searchPane->setKnowledgeBase(selectedKnowledgeBase());
    m_documents->setKnowledgeBase(selectedKnowledgeBase());
}

void MainWindow::reloadKnowledgeBases()
{
    auto kbs = api::KnowledgeBases(m_workspace).list();
    if (!kbs) {
        m_messages->showMessage(kbs.error(), MessageBar::Kind::Warning);
        return;
    }
    // Refilled with the selection kept: the views follow only a real change of knowledge base,
    // not the empty list in between (which would drop their state, a selection say).
    const QString selected = selectedKnowledgeBase();
    {
        const QSignalBlocker blocker(m_kbList);
        m_kbList->clear();
        for (const api::KnowledgeBase &kb : std::as_const(*kbs)) {
            auto *item = new QListWidgetItem(tr("%1\n%2 documents, %3 chunks").arg(kb.spec.name).arg(kb.documents).arg(kb.chunks));
            item->setData(Qt::UserRole, kb.spec.name);
            m_kbList->addItem(item);
            if (kb.spec.name == selected)
                m_kbList->setCurrentItem(item);
        }
        if (!m_kbList->currentItem() && m_kbList->count() > 0)
            m_kbList->setCurrentRow(0);
    }
    knowledgeBaseSelected();
    m_knowledgePages->setCurrentIndex(kbs->isEmpty() ? 0 : 1); // the welcome page while there is none
    if (kbs->isEmpty())
        m_messages->showMessage(tr("No knowledge bases yet: create one with File > New knowledge base (%1)")
                                    .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText)));
}

void MainWindow::runSearch()
{
    m_searchPane->runSearch();
}

} // namespace rag::ui
