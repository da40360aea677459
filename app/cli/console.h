// Output helpers for the command line: UTF-8 on stdout and stderr, JSON printing, and the exit
// codes every command shares.
#pragma once

#include <QJsonDocument>
#include <QString>

namespace rag::cli {

enum ExitCode { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };

void out(const QString &text);   // stdout, as given
void outLine(const QString &text);
void errLine(const QString &text); // stderr
void outJson(const QJsonDocument &json);
bool stderrIsTerminal();

int usageError(const QString &message);  // prints "ragdesk: MESSAGE" and returns kExitUsage
int failure(const QString &message);     // prints "error: MESSAGE" and returns kExitFailure

} // namespace rag::cli
