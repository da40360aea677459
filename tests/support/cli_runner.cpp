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

QString startSimulatorProcess(QProcess &sim, const QStringList &extraArgs)
{
    sim.setProcessEnvironment(cliEnvironment());
    sim.start(qEnvironmentVariable("RAGDESK_BINARY"),
              QStringList{QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extraArgs);
    if (!sim.waitForStarted(10000))
        return {};
    while (!sim.canReadLine()) {
        if (!sim.waitForReadyRead(10000))
            return {};
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)$"))
                           .match(QString::fromUtf8(sim.readLine()).trimmed());
    return match.hasMatch() ? match.captured(1) : QString();
}

} // namespace rag::test
