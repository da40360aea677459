#include "support/simulator_thread.h"

#include <QFile>
#include <QMetaObject>
#include <QTest>

namespace rag::test {

SimulatorThread::SimulatorThread(sim::SimulatorProfile profile)
{
    m_thread.setObjectName(QStringLiteral("simulator"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_context,
        [this, profile] {
            m_simulator = new sim::ProviderSimulator(profile);
            if (auto listening = m_simulator->listen(); listening)
                m_baseUrl = m_simulator->baseUrl();
            else
                qWarning("simulator: %s", qPrintable(listening.error()));
        },
        Qt::BlockingQueuedConnection);
}

SimulatorThread::~SimulatorThread()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_simulator;
            m_context->deleteLater(); // deleted as the thread finishes
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void SimulatorThread::setProfile(const sim::SimulatorProfile &profile)
{
    QMetaObject::invokeMethod(m_context, [this, profile] { m_simulator->setProfile(profile); },
                              Qt::BlockingQueuedConnection);
}

void SimulatorThread::setProfileJson(const QByteArray &json)
{
    auto profile = sim::SimulatorProfile::fromJson(json);
    QVERIFY2(profile.ok(), profile.ok() ? "" : qPrintable(profile.error()));
    setProfile(*profile);
}

int processThreadCount()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("Threads:"))
            return line.mid(8).trimmed().toInt();
    }
    return -1;
}

} // namespace rag::test
