// The provider simulator: one HTTP server that serves every wire format of docs/providers.md under
// a prefix per provider family (/jina/v1/rerank, /cohere/v2/rerank, /tei/embed, /openai/v1/chat/
// completions, ...; GET / lists them). Scores come from term overlap, so rankings are meaningful;
// latency and faults follow the profile. Lives on the thread that creates it.
#pragma once

#include "core/result.h"
#include "providers/sim/simulator_profile.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <atomic>
#include <memory>

namespace rag::net {
class HttpServer;
}

namespace rag::sim {

// What a test may want to know about the traffic. Counters are atomics: safe to read from any
// thread while the simulator runs on its own.
struct SimulatorCounters {
    std::atomic<int> requests{0};       // every request received
    std::atomic<int> inFlight{0};       // received and not yet answered
    std::atomic<int> peakInFlight{0};
    std::atomic<int> faultsInjected{0};
    std::atomic<int> badRequests{0};    // requests whose body did not match the route's format
};

class ProviderSimulator : public QObject {
    Q_OBJECT
public:
    explicit ProviderSimulator(SimulatorProfile profile = SimulatorProfile::instant(), QObject *parent = nullptr);
    ~ProviderSimulator() override;

    Result<void> listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl baseUrl() const; // http://HOST:PORT (no trailing slash)
    static QStringList routes();

    void setProfile(SimulatorProfile profile); // call on the simulator's thread
    const SimulatorCounters &counters() const { return m_counters; }

    // The last request body received on a route (for tests that check what a client sent);
    // thread-safe.
    QByteArray lastRequestBody(const QByteArray &route) const;
    QByteArray lastRequestHeader(const QByteArray &route, const QByteArray &lowerCaseName) const;

private:
    class Private;
    std::unique_ptr<Private> d;
    SimulatorCounters m_counters;
};

} // namespace rag::sim
