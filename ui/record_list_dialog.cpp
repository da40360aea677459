#include "record_list_dialog.h"

#include "field_labels.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace rag::ui {

RecordListDialog::RecordListDialog(const QString &kind, QWidget *parent) : QDialog(parent), m_kind(kind)
{
    QString capitalised = kind;
    capitalised[0] = capitalised[0].toUpper();
    m_list = new QListWidget;
    m_list->setObjectName(kind + QStringLiteral("List"));
    auto *add = new QPushButton(tr("New"));
    add->setObjectName(QStringLiteral("new") + capitalised);
    m_remove = new QPushButton(tr("Remove..."));
    m_remove->setObjectName(QStringLiteral("remove") + capitalised);
    m_save = new QPushButton(tr("Save"));
    m_save->setObjectName(QStringLiteral("save") + capitalised);
    m_message = new QLabel;
    m_message->setObjectName(kind + QStringLiteral("Message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formSlot = new QWidget;
    auto *slotLayout = new QVBoxLayout(m_formSlot);
    slotLayout->setContentsMargins(0, 0, 0, 0);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_message, 1);
    actions->addWidget(m_save, 0, Qt::AlignTop);
    auto *right = new QVBoxLayout;
    right->addWidget(m_formSlot, 1);
    right->addLayout(actions);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_remove);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(close);

    connect(add, &QPushButton::clicked, this, &RecordListDialog::newRecord);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeCurrent(); });
    connect(m_save, &QPushButton::clicked, this, &RecordListDialog::save);
    connect(m_list, &QListWidget::currentTextChanged, this, &RecordListDialog::pick);
}

void RecordListDialog::setForm(QWidget *form)
{
    m_formSlot->layout()->addWidget(form);
}

void RecordListDialog::reload()
{
    const QString current = m_editing;
    m_list->clear();
    auto names = storedNames();
    if (!names) {
        setMessage(names.error(), true);
        return;
    }
    m_list->addItems(*names);
    const auto found = m_list->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
    else if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newRecord();
}

void RecordListDialog::pick(const QString &name)
{
    if (name.isEmpty())
        return;
    m_editing = name;
    m_remove->setEnabled(true);
    setMessage(QString(), false);
    showRecord(name);
}

void RecordListDialog::newRecord()
{
    {
        const QSignalBlocker blocker(m_list); // clearing the selection is not picking
        m_list->clearSelection();
        m_list->setCurrentItem(nullptr);
    }
    m_editing.clear();
    m_remove->setEnabled(false);
    showEmptyForm();
}

bool RecordListDialog::save()
{
    setMessage(QString(), false);
    auto saved = saveForm();
    if (!saved) {
        setMessage(saved.error(), true);
        return false;
    }
    m_editing = *saved;
    const QString message = m_message->text(); // saveForm() may have said more (a key's fallback)
    reload();
    setMessage(message.isEmpty() ? tr("Saved '%1'.").arg(*saved) : message, false);
    Q_EMIT recordsChanged();
    return true;
}

bool RecordListDialog::removeCurrent(bool confirmed)
{
    if (m_editing.isEmpty())
        return false;
    if (!confirmed
        && QMessageBox::question(this, tr("Remove %1").arg(m_kind), removeQuestion(m_editing),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return false;
    if (auto removed = removeRecord(m_editing); !removed) {
        setMessage(removed.error(), true);
        return false;
    }
    const QString name = std::exchange(m_editing, QString());
    reload();
    setMessage(tr("Removed '%1'.").arg(name), false);
    Q_EMIT recordsChanged();
    return true;
}

void RecordListDialog::setMessage(const QString &text, bool error)
{
    setFormMessage(m_message, text, error);
}

} // namespace rag::ui
