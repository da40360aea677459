// What can be done to a saved conversation from the chat's list: Rename (F2), Delete (asks
// first; Delete key) and Export as Markdown. The actions sit on the list's context menu and act
// on its current item, whose Qt::UserRole holds the conversation's id.
#pragma once

#include <QObject>

class QListWidget;

namespace rag {
class Workspace;
}

namespace rag::ui {

class ConversationActions : public QObject {
    Q_OBJECT
public:
    ConversationActions(Workspace &workspace, QListWidget *list);

    // The dialogs' answers can be given instead of asked for (`title`, `path`, `confirmed`).
    bool renameCurrent(const QString &title = {});
    bool deleteCurrent(bool confirmed = false);
    bool exportCurrent(const QString &path = {});

Q_SIGNALS:
    void renamed(qint64 id);
    void deleted(qint64 id);
    void failed(const QString &message); // what went wrong, for the panel's status line

private:
    qint64 currentId() const; // 0 when none is selected

    Workspace &m_workspace;
    QListWidget *m_list;
};

} // namespace rag::ui
