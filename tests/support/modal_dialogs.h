// Answering the modal dialogs a GUI test opens: the handler runs inside the dialog's own event
// loop once the dialog is the active modal widget, so no timing is involved.
#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTimer>

#include <functional>

namespace rag::test {

// Calls `handle` with the next modal widget once it is shown.
inline void whenModalShown(std::function<void(QWidget *)> handle)
{
    QTimer::singleShot(0, qApp, [handle = std::move(handle)]() mutable {
        if (QWidget *modal = QApplication::activeModalWidget()) {
            handle(modal);
            return;
        }
        whenModalShown(std::move(handle)); // not up yet: again on the next turn of its loop
    });
}

// Clicks `button` on the next message box, after copying its text and informative text to `seen`.
inline void answerNextMessageBox(QMessageBox::StandardButton button, QString *seen)
{
    whenModalShown([button, seen](QWidget *modal) {
        auto *box = qobject_cast<QMessageBox *>(modal);
        if (!box)
            return;
        *seen = box->text() + u'\n' + box->informativeText();
        box->button(button)->click();
    });
}

} // namespace rag::test
