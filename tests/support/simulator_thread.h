// The provider simulator on a thread of its own, as tests use it: the code under test talks to it
// over real loopback HTTP while the test's thread is free to run the client's event loop.
#pragma once

#include "providers/sim/provider_simulator.h"

#include <QThread>
#include <QUrl>

#include <memory>

namespace rag::test {

class SimulatorThread {
public:
    explicit SimulatorThread(sim::SimulatorProfile profile = sim::SimulatorProfile::instant());
    ~SimulatorThread();

    bool ok() const { return m_baseUrl.isValid(); }
    QUrl baseUrl() const { return m_baseUrl; }
    QString url(const QString &path) const { return m_baseUrl.toString() + path; } // path starts with '/'
    quint16 port() const { return quint16(m_baseUrl.port()); }

    void setProfile(const sim::SimulatorProfile &profile); // waits until the simulator has it
    void setProfileJson(const QByteArray &json);            // fails the test on a bad profile
    const sim::SimulatorCounters &counters() const { return m_simulator->counters(); }
    sim::ProviderSimulator &simulator() { return *m_simulator; }

private:
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread: what calls into the simulator are queued on
    sim::ProviderSimulator *m_simulator = nullptr; // lives on m_thread
    QUrl m_baseUrl;
};

// Threads of this process now (/proc/self/status): what a test bounds.
int processThreadCount();

} // namespace rag::test
