#include "conversation_actions.h"

#include "api/conversations.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QListWidget>
#include <QMessageBox>
#include <QSaveFile>

namespace rag::ui {

ConversationActions::ConversationActions(Workspace &workspace, QListWidget *list)
    : QObject(list), m_workspace(workspace), m_list(list)
{
    auto add = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *action = new QAction(text, m_list);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetShortcut); // the list's keys, not the window's
        connect(action, &QAction::triggered, this, slot);
        m_list->addAction(action);
    };
    add(tr("Rename..."), QKeySequence(Qt::Key_F2), [this] { renameCurrent(); });
    add(tr("Export as Markdown..."), QKeySequence(), [this] { exportCurrent(); });
    add(tr("Delete..."), QKeySequence::Delete, [this] { deleteCurrent(); });
    m_list->setContextMenuPolicy(Qt::ActionsContextMenu);
}

qint64 ConversationActions::currentId() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

bool ConversationActions::renameCurrent(const QString &title)
{
    const qint64 id = currentId();
    if (id == 0)
        return false;
    QString chosen = title;
    if (chosen.isEmpty()) {
        bool ok = false;
        chosen = QInputDialog::getText(m_list, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal,
                                       m_list->currentItem()->toolTip(), &ok);
        if (!ok)
            return false;
    }
    if (auto renamed = api::Conversations(m_workspace).rename(id, chosen); !renamed) {
        Q_EMIT failed(renamed.error());
        return false;
    }
    Q_EMIT renamed(id);
    return true;
}

bool ConversationActions::deleteCurrent(bool confirmed)
{
    const qint64 id = currentId();
    if (id == 0)
        return false;
    if (!confirmed
        && QMessageBox::question(m_list, tr("Delete conversation"),
                                 tr("Delete the conversation '%1' and its messages? This cannot be undone.")
                                     .arg(m_list->currentItem()->toolTip()),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return false;
    if (auto removed = api::Conversations(m_workspace).remove(id); !removed) {
        Q_EMIT failed(removed.error());
        return false;
    }
    Q_EMIT deleted(id);
    return true;
}

bool ConversationActions::exportCurrent(const QString &path)
{
    const qint64 id = currentId();
    if (id == 0)
        return false;
    QString target = path;
    if (target.isEmpty()) {
        const QString suggested = QDir::home().filePath(m_list->currentItem()->toolTip().simplified().replace(u'/', u'-') + QStringLiteral(".md"));
        target = QFileDialog::getSaveFileName(m_list, tr("Export as Markdown"), suggested, tr("Markdown (*.md)"));
        if (target.isEmpty())
            return false;
    }
    auto markdown = api::Conversations(m_workspace).toMarkdown(id);
    if (!markdown) {
        Q_EMIT failed(markdown.error());
        return false;
    }
    // Written whole or not at all: an existing file is replaced only by a complete export.
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly) || file.write(markdown->toUtf8()) < 0 || !file.commit()) {
        Q_EMIT failed(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(target), file.errorString()));
        return false;
    }
    return true;
}

} // namespace rag::ui
