// The options every ragdesk program takes, the command-line tool and the desktop app alike.
#pragma once

#include <QStringList>

namespace rag::cli {

struct GlobalOptions {
    QString dataDir;
    QString database;
};

// Splits --data-dir and --db out of the arguments (they may stand anywhere before "--").
// Returns the rest, command first. Sets *error on a flag without its value.
QStringList takeGlobalOptions(const QStringList &arguments, GlobalOptions &options, QString *error);

// A program's command line (without its name), read once for both ragdesk binaries.
struct ProgramArguments {
    QStringList all;      // as given
    GlobalOptions global; // --data-dir and --db
    QStringList rest;     // the command and its arguments, if any
    QString error;        // a global option without its value
};
ProgramArguments readProgramArguments(int argc, char **argv);

} // namespace rag::cli
