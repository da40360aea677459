// The desktop app's main window: knowledge bases on the left, search over the selected one on
// the right. Talks to the engine only through rag::Workspace; searches run off the GUI thread and
// a newer search supersedes an older one still running.
#pragma once

#include "index/hybrid_searcher.h"

#include <QFuture>
#include <QMainWindow>
#include <QThreadPool>

class QLabel;
class QLineEdit;
class QListWidget;
class QTreeWidget;
class QTextBrowser;

namespace rag {
class Workspace;
}

namespace rag::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Workspace &workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    void reloadKnowledgeBases();
    void runSearch();

Q_SIGNALS:
    void searchFinished(); // results (or the error) are on screen

private:
    struct SearchOutcome {
        QList<index::SearchHit> hits;
        QString error;
    };
    void showResults(const SearchOutcome &outcome);
    void showSelectedHit();

    Workspace &m_workspace;
    QListWidget *m_kbList = nullptr;
    QLineEdit *m_query = nullptr;
    QTreeWidget *m_results = nullptr;
    QTextBrowser *m_preview = nullptr;
    QLabel *m_status = nullptr;
    // One long-lived thread, so searches reuse one database connection.
    QThreadPool m_searchThread;
    QFuture<SearchOutcome> m_search;
    quint64 m_searchGeneration = 0;
};

} // namespace rag::ui
