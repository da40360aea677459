// What Edit > Providers and Edit > Assistants share: the stored records by name on the left with
// New and Remove (which asks first), a form on the right with a message line and Save, Close
// below. A subclass supplies the form and what listing, showing, saving and removing mean.
#pragma once

#include "core/result.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace rag::ui {

class RecordListDialog : public QDialog {
    Q_OBJECT
public:
    void reload();                              // the names, the record being edited selected again
    void newRecord();                           // an empty form for a record not yet stored
    bool save();                                // false (the reason on screen) when refused
    bool removeCurrent(bool confirmed = false); // asks first unless `confirmed`

Q_SIGNALS:
    void recordsChanged(); // one was added, changed or removed

protected:
    // `kind` names the widgets ("provider": providerList, newProvider, removeProvider,
    // saveProvider, providerMessage) and words the questions.
    RecordListDialog(const QString &kind, QWidget *parent);
    void setForm(QWidget *form); // once, from the subclass's constructor, then reload()

    virtual Result<QStringList> storedNames() const = 0;
    virtual void showEmptyForm() = 0;
    virtual void showRecord(const QString &name) = 0; // the form filled from the stored record
    virtual Result<QString> saveForm() = 0;           // the saved record's name, or why not
    virtual QString removeQuestion(const QString &name) const = 0;
    virtual Result<void> removeRecord(const QString &name) = 0;

    void setMessage(const QString &text, bool error);
    const QString &editing() const { return m_editing; } // empty while the form is a new record

private:
    void pick(const QString &name);

    QListWidget *m_list = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_message = nullptr;
    QWidget *m_formSlot = nullptr;
    QString m_kind;
    QString m_editing;
};

} // namespace rag::ui
