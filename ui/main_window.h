// The desktop app's main window: knowledge bases on the left, search over the selected one on
// the right. Talks to the engine only through rag::Workspace.
#pragma once

#include <QMainWindow>

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

    void reloadKnowledgeBases();
    void runSearch();

private:
    void showSelectedHit();

    Workspace &m_workspace;
    QListWidget *m_kbList = nullptr;
    QLineEdit *m_query = nullptr;
    QTreeWidget *m_results = nullptr;
    QTextBrowser *m_preview = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace rag::ui
