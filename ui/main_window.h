// The desktop app's main window: knowledge bases on the left, search over the selected one on
// the right; files and folders are added from the toolbar or by dropping them on the window.
// A second tab inspects the recorded rerank calls; a third chats with assistants and knowledge
// bases through one EngineHost, started on the first question; a fourth load-tests a knowledge
// base through one LoadTestHost, started on the first run.
// Talks to the engine only through rag::Workspace; searches and ingestion run off the GUI thread,
// and a newer search supersedes an older one still running.
#pragma once

#include "api/records.h"
#include "ingest/ingest_job.h"

#include <QMainWindow>

#include <memory>

class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QListWidget;
class QStackedWidget;
class QTabWidget;

namespace rag {
class Workspace;
namespace chat {
class EngineHost;
}
namespace loadtest {
class LoadTestHost;
}
} // namespace rag

namespace rag::ui {

class CallInspector;
class ChatPanel;
class ChatSplit;
class MainMenu;
class DocumentList;
class MessageBar;
class MonitorDock;
class SearchPane;
class IngestPanel;
class LoadTestPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Workspace &workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    void reloadKnowledgeBases();
    void runSearch();
    bool createKnowledgeBase(const QString &name); // with the default chunking
    bool createKnowledgeBase(const api::KnowledgeBaseSpec &spec);
    void ingestPaths(const QStringList &paths); // into the selected knowledge base
    // File's actions, each asking the user first (a name, files, a folder).
    void promptNewKnowledgeBase();
    void promptAddFiles();
    void promptAddFolder();
    // Asks first unless `confirmed`; refused while an ingestion runs. True when deleted.
    bool deleteSelectedKnowledgeBase(bool confirmed = false);
    void focusSearch(); // Edit > Find: the Knowledge tab, its query selected
    void showProviders(); // Edit > Providers: the providers dialog, modal
    void showAssistants(); // Edit > Assistants: the assistants dialog, modal
    QString statusText() const;
    MainMenu *mainMenu() const { return m_menu; }
    MonitorDock *monitorDock() const { return m_monitor; }
    // "Knowledge", "Rerank calls", "Chat", then "Load test"
    QTabWidget *tabs() const { return m_tabs; }
    CallInspector *callInspector() const { return m_callInspector; }
    ChatPanel *chatPanel() const; // the first chat
    ChatSplit *chats() const { return m_chats; }
    LoadTestPanel *loadTestPanel() const { return m_loadTest; }
    // The window's one chat engine (its own thread and pools), started on first use.
    chat::EngineHost &engineHost();
    // The window's one load-test runner (its own thread), started on the first run. Apart from
    // the chat's engine: a load test builds an engine of its own with the scenario's settings.
    loadtest::LoadTestHost &loadTestHost();

Q_SIGNALS:
    void searchFinished(); // results (or the error) are on screen
    void ingestFinished(const rag::ingest::IngestReport &report); // summary is on screen

protected:
    // Asks before quitting while an ingestion or a load test runs; on yes, stops them and
    // closes once they have unwound, the window responsive meanwhile.
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void showIngestReport(const ingest::IngestReport &report);
    void selectKnowledgeBase(const QString &name);
    QString selectedKnowledgeBase() const;
    void buildToolBar();
    void updateWindowTitle();
    void knowledgeBaseSelected(); // the views follow the list's current knowledge base
    void restoreSettings();
    void saveSettings() const;
    QStringList runningWork() const; // what closing would stop, in words

    Workspace &m_workspace;
    QListWidget *m_kbList = nullptr;
    QStackedWidget *m_knowledgePages = nullptr; // the welcome page, or the list and its views
    QTabWidget *m_knowledgeViews = nullptr; // "Search" and "Documents"
    SearchPane *m_searchPane = nullptr;
    DocumentList *m_documents = nullptr;
    MessageBar *m_messages = nullptr; // the Knowledge tab's: knowledge bases and ingestion
    IngestPanel *m_ingest = nullptr;
    QTabWidget *m_tabs = nullptr;
    MainMenu *m_menu = nullptr;
    MonitorDock *m_monitor = nullptr;
    bool m_quitting = false; // the user said quit; closing waits for running work to stop
    CallInspector *m_callInspector = nullptr;
    ChatSplit *m_chats = nullptr;
    std::unique_ptr<chat::EngineHost> m_engineHost;
    LoadTestPanel *m_loadTest = nullptr;
    std::unique_ptr<loadtest::LoadTestHost> m_loadTestHost;
};

} // namespace rag::ui
