#include "providers/sim/provider_simulator.h"

#include "core/json_reader.h"
#include "net/http_server.h"
#include "providers/sim/sim_exchange.h"
#include "providers/sim/sim_reply.h"
#include "providers/sim/sim_routes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>

#include <random>

namespace {
Q_LOGGING_CATEGORY(lcSim, "rag.sim", QtWarningMsg)
}

namespace rag::sim {

class ProviderSimulator::Private {
public:
    Private(ProviderSimulator *q, SimulatorProfile profile) : q(q), profile(std::move(profile)), rng(this->profile.seed())
    {
    }

    void handle(const net::HttpRequest &request, net::HttpResponder *responder);
    void answerRoute(const SimRoute &route, const net::HttpRequest &request, net::HttpResponder *responder);
    SimReply buildReply(const SimRoute &route, const QByteArray &body, const EndpointBehaviour &behaviour);
    const Fault *pickFault(const EndpointBehaviour &behaviour, int endpointIndex);
    void remember(const net::HttpRequest &request);
    void enter();
    void leave();

    ProviderSimulator *q;
    std::unique_ptr<net::HttpServer> server;
    SimulatorProfile profile;
    std::mt19937_64 rng;
    QHash<QByteArray, int> endpointRequests; // per profile key, for faults limited to the "first" N

    mutable QMutex lastMutex; // tests read these from their own thread
    QHash<QByteArray, QByteArray> lastBodies;
    QHash<QByteArray, net::HttpHeaders> lastHeaders;
};

void ProviderSimulator::Private::enter()
{
    SimulatorCounters &c = q->m_counters;
    const int now = ++c.inFlight;
    int peak = c.peakInFlight.load();
    while (now > peak && !c.peakInFlight.compare_exchange_weak(peak, now)) {
    }
}

void ProviderSimulator::Private::leave()
{
    --q->m_counters.inFlight;
}

void ProviderSimulator::Private::remember(const net::HttpRequest &request)
{
    QMutexLocker lock(&lastMutex);
    lastBodies.insert(request.path, request.body);
    lastHeaders.insert(request.path, request.headers);
}

void ProviderSimulator::Private::handle(const net::HttpRequest &request, net::HttpResponder *responder)
{
    ++q->m_counters.requests;
    remember(request);
    if (request.path == "/") {
        if (request.method == "GET" || request.method == "HEAD")
            responder->respond(200, "application/json", routeListJson());
        else
            responder->respond(405, "application/json", errorBody(ErrorStyle::OpenAi, 405, QStringLiteral("use GET /")),
                               {{"Allow", "GET"}});
        return;
    }
    const SimRoute *route = findSimRoute(request.path);
    if (!route) {
        responder->respond(404, "application/json",
                           errorBody(ErrorStyle::OpenAi, 404,
                                     QStringLiteral("no simulator route %1; GET / lists them")
                                         .arg(QString::fromUtf8(request.path))));
        return;
    }
    if (request.method != "POST") {
        responder->respond(405, "application/json",
                           errorBody(route->errorStyle, 405, QStringLiteral("%1 takes POST").arg(QString::fromLatin1(route->path))),
                           {{"Allow", "POST"}});
        return;
    }
    answerRoute(*route, request, responder);
}

SimReply ProviderSimulator::Private::buildReply(const SimRoute &route, const QByteArray &body,
                                                const EndpointBehaviour &behaviour)
{
    std::optional<QJsonObject> request = readJsonObject(body);
    if (!request) {
        // Qt's parser has the last word on what is not plain JSON, and says what is wrong.
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            SimReply bad = errorReply(route.errorStyle, 400,
                                      error.error != QJsonParseError::NoError
                                          ? QStringLiteral("request body is not JSON: %1").arg(error.errorString())
                                          : QStringLiteral("request body must be a JSON object"));
            bad.badRequest = true;
            return bad;
        }
        request = doc.object();
    }
    switch (route.format) {
    case WireFormat::OpenAiEmbed:
    case WireFormat::TeiEmbed:
    case WireFormat::OllamaEmbed:
        return buildEmbeddingReply(route, *request);
    case WireFormat::OpenAiChat:
    case WireFormat::OllamaChat:
        return buildChatReply(route, *request, behaviour);
    default:
        return buildRerankReply(route, *request);
    }
}

const Fault *ProviderSimulator::Private::pickFault(const EndpointBehaviour &behaviour, int endpointIndex)
{
    // Faults are tried in profile order; the first that fires wins. Draws come from the one
    // seeded generator, so a profile replays the same faults for the same request sequence.
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (const Fault &fault : behaviour.faults) {
        if (fault.first >= 0 && endpointIndex >= fault.first)
            continue;
        if (unit(rng) < fault.rate)
            return &fault;
    }
    return nullptr;
}

void ProviderSimulator::Private::answerRoute(const SimRoute &route, const net::HttpRequest &request,
                                             net::HttpResponder *responder)
{
    const EndpointBehaviour behaviour = profile.behaviour(route.group, route.path);
    SimReply reply = buildReply(route, request.body, behaviour);
    if (reply.badRequest) {
        ++q->m_counters.badRequests;
        responder->respond(reply.status, reply.contentType, reply.body, reply.headers);
        return;
    }
    const int endpointIndex = endpointRequests[profile.endpointKey(route.group, route.path)]++;
    const double latencyMs = behaviour.latency.sample(rng);
    const Fault *fault = pickFault(behaviour, endpointIndex);
    SimExchange::Ending ending = SimExchange::Ending::Complete;
    if (fault) {
        ++q->m_counters.faultsInjected;
        switch (fault->kind) {
        case Fault::Kind::Status:
            reply = errorReply(route.errorStyle, fault->status,
                               QStringLiteral("simulated fault: %1").arg(QString::fromLatin1(net::reasonPhrase(fault->status))));
            break;
        case Fault::Kind::RetryAfter:
            reply = errorReply(route.errorStyle, fault->status, QStringLiteral("simulated rate limit: retry later"));
            reply.headers.append({"Retry-After", QByteArray::number(fault->retryAfterS)});
            break;
        case Fault::Kind::Hang:
            ending = SimExchange::Ending::Hang;
            break;
        case Fault::Kind::Reset:
            ending = SimExchange::Ending::Reset;
            break;
        case Fault::Kind::Malformed:
            // A 200 whose body stops half-way: never valid JSON (or, in a stream, one event
            // whose data is cut in the middle while the stream itself ends properly).
            if (reply.stream && !reply.events.isEmpty()) {
                SimEvent &event = reply.events[reply.events.size() / 2];
                const QByteArray terminator = event.bytes.endsWith("\n\n") ? "\n\n" : "\n";
                const QByteArray content = event.bytes.chopped(terminator.size());
                event.bytes = content.left(content.size() / 2) + terminator;
            } else {
                reply.body = reply.body.left(reply.body.size() / 2);
            }
            break;
        case Fault::Kind::Truncate:
            ending = SimExchange::Ending::Cut;
            break;
        }
    }
    const double intervalMs = behaviour.tokensPerSecond > 0 ? 1000.0 * behaviour.tokensPerEvent / behaviour.tokensPerSecond : 0;
    enter();
    auto *exchange = new SimExchange(responder, std::move(reply), ending, latencyMs, intervalMs, q);
    QObject::connect(exchange, &SimExchange::finished, q, [this] { leave(); });
    exchange->start();
}

ProviderSimulator::ProviderSimulator(SimulatorProfile profile, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, std::move(profile)))
{
    // A server that requests stream through: the simulator must take the big batches and the
    // hundreds of connections a load test opens.
    net::HttpServerLimits limits;
    limits.maxConnections = 16384;
    d->server = std::make_unique<net::HttpServer>(
        [this](const net::HttpRequest &request, net::HttpResponder *responder) { d->handle(request, responder); },
        limits);
}

ProviderSimulator::~ProviderSimulator()
{
    // Drop the exchanges' links first: closing the server makes every open one finish, and they
    // must not count down into a half-destroyed simulator.
    for (SimExchange *exchange : findChildren<SimExchange *>(Qt::FindDirectChildrenOnly))
        exchange->disconnect(this);
    d->server->close();
}

Result<void> ProviderSimulator::listen(const QHostAddress &address, quint16 port)
{
    Result<void> result = d->server->listen(address, port);
    if (result)
        qCDebug(lcSim) << "provider simulator listening on" << baseUrl();
    return result;
}

QUrl ProviderSimulator::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    QHostAddress host = d->server->address();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4 || host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHost; // listening everywhere: reachable on loopback
    url.setHost(host.toString());
    url.setPort(d->server->port());
    return url;
}

QStringList ProviderSimulator::routes()
{
    QStringList out;
    for (const SimRoute &route : simRoutes())
        out.append(QString::fromLatin1(route.path));
    return out;
}

void ProviderSimulator::setProfile(SimulatorProfile profile)
{
    // A new profile starts its own sequence: same seed, same faults, whatever ran before.
    d->profile = std::move(profile);
    d->rng.seed(d->profile.seed());
    d->endpointRequests.clear();
}

QByteArray ProviderSimulator::lastRequestBody(const QByteArray &route) const
{
    QMutexLocker lock(&d->lastMutex);
    return d->lastBodies.value(route);
}

QByteArray ProviderSimulator::lastRequestHeader(const QByteArray &route, const QByteArray &lowerCaseName) const
{
    QMutexLocker lock(&d->lastMutex);
    for (const auto &[name, value] : d->lastHeaders.value(route)) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

} // namespace rag::sim
