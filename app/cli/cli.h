// The command-line surface (docs/architecture.md, "Surfaces"): global options, then one command.
// Each command lives in its own file and returns the process exit code.
#pragma once

#include "cli/global_options.h"

#include <QStringList>

namespace rag {
class Workspace;
}

namespace rag::cli {

bool isCommand(const QString &word);
QString helpText();
int run(const QStringList &arguments); // arguments without the program name

int kbCommand(Workspace &workspace, const QStringList &args);
int ingestCommand(Workspace &workspace, const QStringList &args);
int searchCommand(Workspace &workspace, const QStringList &args);
int providersCommand(Workspace &workspace, const QStringList &args);
int callsCommand(Workspace &workspace, const QStringList &args);
int simCommand(const QStringList &args); // needs no workspace
int assistantCommand(Workspace &workspace, const QStringList &args);
int askCommand(Workspace &workspace, const QStringList &args);
int loadtestCommand(Workspace &workspace, const QStringList &args);
int serveCommand(Workspace &workspace, const QStringList &args);

} // namespace rag::cli
