// Runs the ragdesk binary under test (RAGDESK_BINARY) as a user would, for the CLI suites: a
// data dir of the test's, the keychain off (CI has no session bus), output captured.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace rag::test {

struct CliRun {
    int exitCode = -1; // -1: it did not finish within two minutes
    QString out;
    QString err;
};

QProcessEnvironment cliEnvironment(); // the system environment with RAGDESK_KEYCHAIN=off
CliRun runRagdesk(const QString &dataDir, const QStringList &args,
                  const QProcessEnvironment &environment = cliEnvironment());

// Starts `ragdesk sim --listen 127.0.0.1:0` and returns the base URL it printed (empty on failure).
QString startSimulatorProcess(QProcess &sim, const QStringList &extraArgs = {});
// Starts `ragdesk --data-dir DIR serve --listen 127.0.0.1:0 ...` the same way.
QString startServeProcess(QProcess &serve, const QString &dataDir, const QStringList &extraArgs = {},
                          const QProcessEnvironment &environment = cliEnvironment());

} // namespace rag::test
