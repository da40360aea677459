#include "support/cli_runner.h"

#include <QRegularExpression>

namespace rag::test {

QProcessEnvironment cliEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RAGDESK_KEYCHAIN"), QStringLiteral("off"));
    return env;
}

CliRun runRagdesk(const QString &dataDir, const QStringList &args, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("RAGDESK_BINARY"), QStringList{QStringLiteral("--data-dir"), dataDir} + args);
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

namespace {

// Starts the binary and reads the address a listening command prints first: "... listening on URL".
QString startListening(QProcess &process, const QStringList &args, const QProcessEnvironment &environment)
{
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("RAGDESK_BINARY"), args);
    if (!process.waitForStarted(10000))
        return {};
    while (!process.canReadLine()) {
        if (!process.waitForReadyRead(10000))
            return {};
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)$"))
                           .match(QString::fromUtf8(process.readLine()).trimmed());
    return match.hasMatch() ? match.captured(1) : QString();
}

} // namespace

QString startSimulatorProcess(QProcess &sim, const QStringList &extraArgs)
{
    return startListening(sim, QStringList{QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extraArgs,
                          cliEnvironment());
}

QString startServeProcess(QProcess &serve, const QString &dataDir, const QStringList &extraArgs,
                          const QProcessEnvironment &environment)
{
    return startListening(serve,
                          QStringList{QStringLiteral("--data-dir"), dataDir, QStringLiteral("serve"), QStringLiteral("--listen"),
                                      QStringLiteral("127.0.0.1:0")} + extraArgs,
                          environment);
}

} // namespace rag::test
