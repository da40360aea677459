// What the simulator answers to one request (private to ragdesk_sim), built per wire format from
// the request body before latency and faults are applied: a complete body or a list of stream
// events. A body that is not the route's format gives a provider-style error instead.
#pragma once

#include "net/http_server.h"
#include "providers/sim/sim_routes.h"
#include "providers/sim/simulator_profile.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace rag::sim {

struct SimEvent {
    QByteArray bytes; // as written: an SSE frame or an NDJSON line
    bool paced = false; // waits one event interval (token rate) before it is sent
};

struct SimReply {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    net::HttpHeaders headers;
    bool stream = false;
    QList<SimEvent> events; // stream only
    bool badRequest = false; // the request did not match the route's format
};

SimReply errorReply(ErrorStyle style, int status, const QString &message);

SimReply buildRerankReply(const SimRoute &route, const QJsonObject &request);
SimReply buildEmbeddingReply(const SimRoute &route, const QJsonObject &request);
SimReply buildChatReply(const SimRoute &route, const QJsonObject &request, const EndpointBehaviour &behaviour);

// Request helpers shared by the builders.
// A list of texts: a JSON string (when `allowSingle`), or an array of strings (or of {"text"}
// objects when `allowObjects`). Empty optional when the value is none of these.
std::optional<QStringList> textList(const QJsonValue &value, bool allowSingle, bool allowObjects);
// A whole number >= 1, or an error message naming `key`; nullopt when the key is absent.
std::optional<int> positiveInteger(const QJsonObject &object, const QString &key, QString &error);
QByteArray compactJson(const QJsonObject &object);

} // namespace rag::sim
