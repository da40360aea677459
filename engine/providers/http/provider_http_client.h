// The HTTP client of one configured provider. Calls are coroutines on the thread that owns the
// client (the engine thread): no thread waits on the network. A QNetworkAccessManager serves only
// six HTTP/1.1 connections per host and starts a thread of its own, so the client owns a bounded
// set of managers (ceil(maxConnections / 6); one multiplexing manager with HTTP/2), an admission
// queue in front of them, deadlines, retries and counters. postBlocking() sends the same request
// synchronously from a worker thread: the blocking baseline.
#pragma once

#include "metrics/latency_histogram.h"
#include "providers/http/http_call.h"
#include "providers/http/retry_policy.h"
#include "providers/wire/wire_request.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QNetworkRequest>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>

#include <qcoro/qcorotask.h>

#include <optional>
#include <random>

class QNetworkAccessManager;

namespace rag::providers {

class AdmissionQueue;
class HttpAttempt;

struct HttpClientConfig {
    QString name;            // the provider's name: stats and messages
    int maxConnections = 32; // calls in flight at once; the rest queue
    bool http2 = false;      // opt-in: h2 over TLS (ALPN) or h2c with prior knowledge over http
    int maxQueued = 100'000; // beyond it a call is refused at once (Overloaded)
    // TLS: the CAs a provider's certificate is checked against (a PEM file that replaces the
    // system's), or no check at all. Proxies come from the system (QNetworkProxyFactory).
    QString caBundle;
    bool tlsInsecure = false;
    RetryPolicy retry;
};

// A value snapshot of the client's counters, safe to pass across threads.
struct HttpClientStats {
    int inFlight = 0;
    int queued = 0;
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 retried = 0; // attempts beyond the first
    int managers = 0;   // QNetworkAccessManagers (each one owns a thread)
    int maxConnections = 0;
    metrics::LatencyHistogram latency; // microseconds per call, all attempts included
};

class ProviderHttpClient : public QObject {
    Q_OBJECT
public:
    explicit ProviderHttpClient(HttpClientConfig config, QObject *parent = nullptr);
    ~ProviderHttpClient() override;

    // Kept in memory only and sent as "Authorization: Bearer ..."; never logged.
    void setApiKey(const QString &key);
    bool hasApiKey() const { return !m_apiKey.isEmpty(); }
    // What a call log must never show of this provider's calls.
    QStringList secrets() const { return m_apiKey.isEmpty() ? QStringList() : QStringList{m_apiKey}; }
    const HttpClientConfig &config() const { return m_config; }

    // On the client's thread.
    QCoro::Task<HttpOutcome> post(WireRequest request, HttpCallOptions options);
    // From any thread except the client's: blocks the calling thread until the outcome.
    HttpOutcome postBlocking(const WireRequest &request, const HttpCallOptions &options);

    HttpClientStats stats() const; // any thread

private:
    QNetworkRequest makeRequest(const WireRequest &request) const;
    QNetworkAccessManager *pickManager();
    void releaseManager(QNetworkAccessManager *manager);
    HttpOutcome tlsSetupFailure(); // counted as a failed call
    void noteQueued(int delta);
    void noteOutcome(const HttpOutcome &outcome, bool wasInFlight);
    void scrubSecrets(HttpOutcome &outcome) const; // the key out of an error's body and message

    HttpClientConfig m_config;
    QString m_apiKey;
    AdmissionQueue *m_admission;
    int m_connectionsPerManager;
    int m_managerLimit;
    QList<QNetworkAccessManager *> m_managers;
    QHash<QNetworkAccessManager *, int> m_managerLoad;
    QSet<HttpAttempt *> m_live; // aborted on destruction so no coroutine waits forever
    bool m_closing = false;
    std::optional<QSslConfiguration> m_tls; // set when the provider's TLS differs from the system's
    QString m_tlsError;                     // the CA bundle could not be read: every call fails with it
    std::mt19937 m_rng;

    mutable QMutex m_statsMutex;
    HttpClientStats m_stats;
};

} // namespace rag::providers
