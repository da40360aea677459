#include "main_menu.h"

#include "chat_split.h"
#include "main_window.h"
#include "monitor_dock.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>

namespace rag::ui {

namespace {
// Edit's actions act on whichever text widget has the focus (line edits, text browsers,
// the chat input), as a desktop user expects of Copy and Select All.
void invokeOnFocus(const char *slot)
{
    if (QWidget *focus = QApplication::focusWidget())
        QMetaObject::invokeMethod(focus, slot);
}

// The platform's key for a standard action, or `fallback` where the platform has none (the
// generic and offscreen platforms have no Quit or Full screen key).
QKeySequence standardKey(QKeySequence::StandardKey key, QKeySequence fallback)
{
    const QKeySequence sequence(key);
    return sequence.isEmpty() ? fallback : sequence;
}
} // namespace

MainMenu::MainMenu(MainWindow &window) : QObject(&window), m_window(window)
{
    QMenuBar *bar = m_window.menuBar();
    bar->addMenu(buildFileMenu());
    bar->addMenu(buildEditMenu());
    bar->addMenu(buildViewMenu());
    bar->addMenu(buildHelpMenu());
}

QMenu *MainMenu::buildFileMenu()
{
    auto *menu = new QMenu(tr("&File"), &m_window);
    menu->setObjectName(QStringLiteral("fileMenu"));
    m_newKnowledgeBase = menu->addAction(tr("&New knowledge base..."), &m_window, &MainWindow::promptNewKnowledgeBase);
    m_newKnowledgeBase->setShortcut(QKeySequence::New);
    m_addFiles = menu->addAction(tr("&Add files..."), &m_window, &MainWindow::promptAddFiles);
    m_addFiles->setShortcut(QKeySequence::Open);
    m_addFolder = menu->addAction(tr("Add f&older..."), &m_window, &MainWindow::promptAddFolder);
    m_addFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    menu->addSeparator();
    m_deleteKnowledgeBase = menu->addAction(tr("&Delete knowledge base..."), &m_window,
                                            [this] { m_window.deleteSelectedKnowledgeBase(); });
    menu->addSeparator();
    QAction *quit = menu->addAction(tr("&Quit"), &m_window, &QWidget::close);
    quit->setShortcut(standardKey(QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q)));
    quit->setMenuRole(QAction::QuitRole);
    return menu;
}

QMenu *MainMenu::buildEditMenu()
{
    auto *menu = new QMenu(tr("&Edit"), &m_window);
    menu->setObjectName(QStringLiteral("editMenu"));
    menu->addAction(tr("&Copy"), this, [] { invokeOnFocus("copy"); })->setShortcut(QKeySequence::Copy);
    menu->addAction(tr("Select &all"), this, [] { invokeOnFocus("selectAll"); })->setShortcut(QKeySequence::SelectAll);
    menu->addSeparator();
    menu->addAction(tr("&Find in knowledge base"), &m_window, &MainWindow::focusSearch)->setShortcut(QKeySequence::Find);
    menu->addSeparator();
    menu->addAction(tr("&Providers..."), &m_window, &MainWindow::showProviders)->setObjectName(QStringLiteral("providersAction"));
    menu->addAction(tr("A&ssistants..."), &m_window, &MainWindow::showAssistants)->setObjectName(QStringLiteral("assistantsAction"));
    return menu;
}

QMenu *MainMenu::buildViewMenu()
{
    auto *menu = new QMenu(tr("&View"), &m_window);
    menu->setObjectName(QStringLiteral("viewMenu"));
    QTabWidget *tabs = m_window.tabs();
    for (int i = 0; i < tabs->count() && i < 9; ++i) {
        QAction *show = menu->addAction(tabs->tabText(i), this, [tabs, i] { tabs->setCurrentIndex(i); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    // Another chat beside the last, on the Chat tab (docs/desktop.md, "Tabs").
    QAction *sideBySide = menu->addAction(tr("New chat &side by side"), this, [this, tabs] {
        tabs->setCurrentWidget(m_window.chats());
        if (ChatPanel *chat = m_window.chats()->addChat())
            chat->setFocus();
    });
    sideBySide->setObjectName(QStringLiteral("chatSideBySideAction"));
    sideBySide->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    connect(m_window.chats(), &ChatSplit::chatsChanged, sideBySide,
            [sideBySide](int count) { sideBySide->setEnabled(count < ChatSplit::kMaxChats); });
    menu->addSeparator();
    QAction *monitor = m_window.monitorDock()->toggleViewAction();
    monitor->setText(tr("&Monitor"));
    monitor->setShortcut(QKeySequence(Qt::Key_F9));
    menu->addAction(monitor);
    QAction *fullScreen = menu->addAction(tr("&Full screen"), this, [this](bool on) {
        m_window.setWindowState(on ? m_window.windowState() | Qt::WindowFullScreen
                                   : m_window.windowState() & ~Qt::WindowFullScreen);
    });
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(standardKey(QKeySequence::FullScreen, QKeySequence(Qt::Key_F11)));
    return menu;
}

QMenu *MainMenu::buildHelpMenu()
{
    auto *menu = new QMenu(tr("&Help"), &m_window);
    menu->setObjectName(QStringLiteral("helpMenu"));
    menu->addAction(tr("ragdesk &help"), this, &MainMenu::showHelp)->setShortcut(standardKey(QKeySequence::HelpContents, QKeySequence(Qt::Key_F1)));
    menu->addSeparator();
    QAction *about = menu->addAction(tr("&About ragdesk"), this, &MainMenu::showAbout);
    about->setMenuRole(QAction::AboutRole);
    menu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
    return menu;
}

QStringList MainMenu::shortcutList() const
{
    QStringList lines;
    for (QAction *menuAction : m_window.menuBar()->actions()) {
        const QString menuName = menuAction->text().remove(u'&');
        for (QAction *action : menuAction->menu()->actions()) {
            if (!action->shortcut().isEmpty())
                lines.append(QStringLiteral("%1 > %2: %3")
                                 .arg(menuName, action->text().remove(u'&').remove(QStringLiteral("...")),
                                      action->shortcut().toString(QKeySequence::NativeText)));
        }
    }
    return lines;
}

void MainMenu::showAbout()
{
    QMessageBox::about(
        &m_window, tr("About ragdesk"),
        tr("<h3>ragdesk %1</h3>"
           "<p>Chat with your own knowledge bases, load-test the retrieval-augmented-generation "
           "pipeline that answers, and inspect every reranker call it makes.</p>"
           "<p>Built with Qt %2, running on Qt %3.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainMenu::showHelp()
{
    QString shortcuts;
    for (const QString &line : shortcutList())
        shortcuts += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
    QMessageBox help(QMessageBox::Information, tr("ragdesk help"),
                     tr("<p><b>Getting started.</b> Create a knowledge base (File > New knowledge base), "
                        "add files or a folder to it, or drop them on the window. Search it on the "
                        "Knowledge tab, or ask it on the Chat tab.</p>"
                        "<p><b>Shortcuts</b></p><ul>%1</ul>"
                        "<p>Everything the window does, the command line does too: <tt>ragdesk --help</tt>.</p>")
                         .arg(shortcuts),
                     QMessageBox::Close, &m_window);
    help.setObjectName(QStringLiteral("helpDialog"));
    help.exec();
}

} // namespace rag::ui
