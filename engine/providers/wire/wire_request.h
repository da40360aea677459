// One HTTP request as a provider's wire format defines it: where to POST and what JSON to send.
// The HTTP client adds Content-Type and, when a key is configured, the auth header.
#pragma once

#include <QByteArray>
#include <QUrl>

namespace rag::providers {

struct WireRequest {
    QUrl url;
    QByteArray body;     // JSON
    // Whether the API expects `Authorization: Bearer <key>`. Either way the header goes exactly
    // when a key is configured (never an empty "Bearer "); false marks servers that run without
    // keys by default (Xinference, TEI, Ollama), where a missing key is normal, not a likely
    // misconfiguration worth a hint.
    bool sendAuth = true;
};

} // namespace rag::providers
