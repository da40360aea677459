#include "loadtest/simulator_process.h"

#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>

namespace rag::loadtest {

SimulatorProcess::~SimulatorProcess()
{
    stop();
}

Result<QString> SimulatorProcess::start(const QString &program, const ProviderSpec &providers)
{
    m_profile = providers.simulatorFile.isEmpty() ? providers.simulatorProfile : providers.simulatorFile;
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // A run that crashes or is killed must not leave its simulator behind (holding the port and
    // whatever files the parent had open): the kernel ends it with its parent.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_process.start(program, {QStringLiteral("sim"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                              QStringLiteral("--profile"), m_profile});
    if (!m_process.waitForStarted(10000))
        return fail(QStringLiteral("cannot start the simulator (%1): %2").arg(program, m_process.errorString()));
    while (!m_process.canReadLine()) {
        if (!m_process.waitForReadyRead(10000))
            return fail(QStringLiteral("the simulator did not start: %1")
                            .arg(QString::fromUtf8(m_process.readAllStandardError()).trimmed()));
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)")).match(QString::fromUtf8(m_process.readLine()));
    if (!match.hasMatch())
        return fail(QStringLiteral("the simulator printed no address"));
    return match.captured(1);
}

void SimulatorProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

} // namespace rag::loadtest
