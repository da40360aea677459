// Plain value types for configured providers and rerank calls; safe to copy across threads.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace rag::store {

struct ProviderRecord {
    QString name;
    QString kind;    // provider kind name (providers::kindName)
    QString baseUrl; // empty: the vendor's default
    QString model;
    int maxConnections = 32;
    int timeoutMs = 30'000;
    bool http2 = false;
    QString caBundle;          // PEM file of the CAs its certificate is checked against; empty: the system's
    bool tlsInsecure = false;  // its certificate is not checked at all
    QString keyStore = QStringLiteral("none"); // none, keychain or file
};

struct RerankCallRecord {
    qint64 id = 0;
    QDateTime at; // UTC, when the call started
    QString provider;
    QString model;
    QString endpoint;
    QString mode; // async or blocking
    QString thread;
    int documents = 0;
    qint64 bytes = 0; // request body size
    int attempts = 0;
    int httpStatus = 0;
    bool ok = false;
    double latencyMs = 0;
    QString error;
    qint64 tokens = 0;
    QList<double> topScores; // the best few, descending
    QString requestBody;     // redacted and capped
    QString responseBody;    // redacted and capped
    // What a replay needs, read with the bodies: the query whole (redacted), the documents as
    // chunk ids when the caller knew them (empty otherwise), and every score the provider
    // returned in document order (empty for a failed call).
    QString query;
    QList<qint64> chunkIds;
    QList<double> scores;

    bool replayable() const { return ok && !chunkIds.isEmpty() && chunkIds.size() == scores.size(); }
};

struct RerankCallFilter {
    QString provider;       // empty: all
    QString status;         // "ok", "error" or empty
    QDateTime since;        // invalid: no bound
    double minLatencyMs = -1;
    int limit = 100;
    bool withBodies = false;
};

} // namespace rag::store
