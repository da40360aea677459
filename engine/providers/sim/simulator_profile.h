// What the provider simulator does per endpoint: a latency model, for streams a token rate and
// tokens per event, and faults with rates. Read from a JSON profile file or a named built-in
// profile ("field" from docs/loadtest.md, "Benchmark scenarios"). The format is documented in
// docs/simulator.md.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <random>

namespace rag::sim {

struct LatencyModel {
    enum class Kind { Fixed, Uniform, LogNormal };
    Kind kind = Kind::Fixed;
    double fixedMs = 0;
    double minMs = 0, maxMs = 0;      // uniform
    double medianMs = 0, p99Ms = 0;   // log-normal by median and p99
    double sample(std::mt19937_64 &rng) const;
};

struct Fault {
    enum class Kind {
        Status,      // an HTTP error code with a provider-style error body
        RetryAfter,  // 429 with a Retry-After header (seconds)
        Hang,        // never answer; the client's deadline must end it
        Reset,       // drop the connection without an answer
        Malformed,   // 200 with a body that is not valid JSON for the format
        Truncate,    // streams: stop mid-way (connection cut, no terminator)
    };
    Kind kind = Kind::Status;
    double rate = 1.0;      // probability per request
    int first = -1;         // when >= 0: only the first N requests of the endpoint are eligible
    int status = 503;
    int retryAfterS = 1;
};

struct EndpointBehaviour {
    LatencyModel latency;          // until the response (streams: until the first event)
    int streamTokens = 64;         // chat streams: tokens in the answer
    double tokensPerSecond = 0;    // 0: as fast as possible
    int tokensPerEvent = 4;
    QList<Fault> faults;
};

class SimulatorProfile {
public:
    // Endpoints are the groups "rerank", "embed", "chat", or one route path ("/tei/rerank"),
    // which overrides its group.
    static Result<SimulatorProfile> fromJson(const QByteArray &json);
    // A file path, or the name of a built-in profile ("field", "instant").
    static Result<SimulatorProfile> load(const QString &fileOrName);
    static SimulatorProfile instant(); // no latency, no faults: the default

    EndpointBehaviour behaviour(const QByteArray &group, const QByteArray &route) const;
    // The profile key behaviour() used: the route when it has its own entry, else the group.
    // Fault "first" limits count requests per key.
    QByteArray endpointKey(const QByteArray &group, const QByteArray &route) const;
    quint64 seed() const { return m_seed; }

private:
    quint64 m_seed = 1;
    QHash<QByteArray, EndpointBehaviour> m_endpoints;
};

} // namespace rag::sim
