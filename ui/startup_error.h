// What the desktop app shows when it cannot start (a data folder it cannot write, a damaged
// database): launched from a menu there is no terminal to read stderr, so the reason and what
// to try go to a dialog as well.
#pragma once

#include <QString>

class QMessageBox;

namespace rag::ui {

// The dialog, not yet shown: the error, the folder it concerns and what to try.
QMessageBox *startupErrorDialog(const QString &error, const QString &dataDir);
// Shows it and returns once the user closed it.
void showStartupError(const QString &error, const QString &dataDir);

} // namespace rag::ui
