// The main window's menu bar: File, Edit, View and Help with the standard shortcuts
// (docs/desktop.md, "Menus and shortcuts"). The toolbar shares File's actions.
#pragma once

#include <QObject>

class QAction;
class QMenu;

namespace rag::ui {

class MainWindow;

class MainMenu : public QObject {
    Q_OBJECT
public:
    explicit MainMenu(MainWindow &window);

    QAction *newKnowledgeBase() const { return m_newKnowledgeBase; }
    QAction *addFiles() const { return m_addFiles; }
    QAction *addFolder() const { return m_addFolder; }
    QAction *deleteKnowledgeBase() const { return m_deleteKnowledgeBase; }

    // Every action with a shortcut, as "Menu > Action: Shortcut" lines: what Help shows.
    QStringList shortcutList() const;
    void showAbout();
    void showHelp();

private:
    QMenu *buildFileMenu();
    QMenu *buildEditMenu();
    QMenu *buildViewMenu();
    QMenu *buildHelpMenu();

    MainWindow &m_window;
    QAction *m_newKnowledgeBase = nullptr;
    QAction *m_addFiles = nullptr;
    QAction *m_addFolder = nullptr;
    QAction *m_deleteKnowledgeBase = nullptr;
};

} // namespace rag::ui
