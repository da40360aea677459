// A configured provider as the provider layer uses it: kind, where it is, which model, limits.
// The API key is not part of it: the registry hands it to the HTTP client from the key store.
#pragma once

#include "providers/provider_kind.h"

#include <QString>

#include <chrono>

namespace rag::providers {

struct ProviderSettings {
    QString name;
    ProviderKind kind = ProviderKind::Builtin;
    QString baseUrl; // empty: the vendor's default
    QString model;
    int maxConnections = 32;
    std::chrono::milliseconds timeout{30'000}; // per call, retries included
    bool http2 = false;
    QString caBundle;         // PEM CAs that replace the system's for this provider; empty: the system's
    bool tlsInsecure = false; // certificates are not checked (shown as a warning wherever it is listed)
};

} // namespace rag::providers
