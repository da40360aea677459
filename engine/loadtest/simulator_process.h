// `ragdesk sim` as a process of its own, as the benchmark scenarios run it (docs/loadtest.md): the
// simulator's CPU is then not the load-tested process's, and its latencies do not queue behind
// the engine's event loop.
#pragma once

#include "core/result.h"
#include "loadtest/scenario.h"

#include <QProcess>
#include <QString>

namespace rag::loadtest {

class SimulatorProcess {
public:
    SimulatorProcess() = default;
    ~SimulatorProcess(); // terminates the simulator
    SimulatorProcess(const SimulatorProcess &) = delete;
    SimulatorProcess &operator=(const SimulatorProcess &) = delete;

    // Starts `program sim --listen 127.0.0.1:0 --profile ...` and waits (up to 10 s) for the
    // address it prints; the result is its base URL ("http://127.0.0.1:PORT").
    Result<QString> start(const QString &program, const ProviderSpec &providers);
    void stop();
    QString profileName() const { return m_profile; }
    qint64 processId() const { return m_process.processId(); } // 0 when not running

private:
    QProcess m_process;
    QString m_profile;
};

} // namespace rag::loadtest
