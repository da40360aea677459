#include "providers/http/provider_http_client.h"

#include "providers/calllog/secret_redactor.h"
#include "providers/http/admission_queue.h"
#include "providers/http/cancellable_delay.h"
#include "providers/http/http_attempt.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QPointer>
#include <QSslCertificate>
#include <QThread>
#include <QThreadStorage>

#include <qcoro/qcorosignal.h>

#include <memory>
#include <mutex>

namespace rag::providers {

using std::chrono::milliseconds;

namespace {

// Qt 6.4 opens at most six HTTP/1.1 connections per host and manager, and multiplexes up to
// 100 concurrent streams on one HTTP/2 connection.
constexpr int kHttp1ConnectionsPerManager = 6;
constexpr int kHttp2StreamsPerManager = 100;

struct DeleteLater {
    void operator()(QObject *object) const { object->deleteLater(); }
};

milliseconds remainingOf(milliseconds budget, const QElapsedTimer &clock)
{
    return budget - milliseconds(clock.elapsed());
}

HttpOutcome refused(Admission admission, milliseconds waited)
{
    HttpOutcome outcome;
    switch (admission) {
    case Admission::Cancelled:
        outcome.error = HttpError::Cancelled;
        outcome.message = QStringLiteral("cancelled while waiting for a connection");
        break;
    case Admission::TimedOut:
        outcome.error = HttpError::Timeout;
        outcome.message = QStringLiteral("no free connection within the deadline (waited %1 ms)").arg(waited.count());
        break;
    case Admission::Overloaded:
        outcome.error = HttpError::Overloaded;
        outcome.message = QStringLiteral("too many calls waiting for this provider");
        break;
    case Admission::Granted:
        break;
    }
    return outcome;
}

} // namespace

ProviderHttpClient::ProviderHttpClient(HttpClientConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_connectionsPerManager(m_config.http2 ? kHttp2StreamsPerManager : kHttp1ConnectionsPerManager)
    , m_rng(std::random_device{}())
{
    m_config.maxConnections = std::max(1, m_config.maxConnections);
    m_managerLimit = (m_config.maxConnections + m_connectionsPerManager - 1) / m_connectionsPerManager;
    m_admission = new AdmissionQueue(m_config.maxConnections, m_config.maxQueued, this);
    m_stats.maxConnections = m_config.maxConnections;
    // Providers reach the network as the rest of the desktop does: through the proxy the system
    // names (environment, desktop settings or PAC, via libproxy), no_proxy honoured.
    static std::once_flag systemProxy;
    std::call_once(systemProxy, [] { QNetworkProxyFactory::setUseSystemConfiguration(true); });
    if (!m_config.caBundle.isEmpty() || m_config.tlsInsecure) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!m_config.caBundle.isEmpty()) {
            const QList<QSslCertificate> authorities = QSslCertificate::fromPath(m_config.caBundle, QSsl::Pem);
            if (authorities.isEmpty())
                m_tlsError = QStringLiteral("its CA bundle '%1' holds no readable PEM certificate").arg(m_config.caBundle);
            tls.setCaCertificates(authorities); // the bundle replaces the system's CAs, as curl's --cacert does
        }
        if (m_config.tlsInsecure)
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_tls = tls;
    }
}

ProviderHttpClient::~ProviderHttpClient()
{
    // Abort what is in flight: each waiting coroutine resumes now with a Cancelled outcome and
    // sees m_closing, instead of waiting forever on a reply its manager is about to delete.
    m_closing = true;
    const QSet<HttpAttempt *> live = m_live;
    for (HttpAttempt *attempt : live)
        attempt->cancel();
}

void ProviderHttpClient::setApiKey(const QString &key)
{
    m_apiKey = key;
}

QNetworkRequest ProviderHttpClient::makeRequest(const WireRequest &request) const
{
    QNetworkRequest r(request.url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setRawHeader("Accept", "application/json, text/event-stream, application/x-ndjson");
    // Providers that take no key by default (TEI, Xinference) still get one when configured.
    if (!m_apiKey.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, m_config.http2);
    if (m_config.http2 && request.url.scheme() == QLatin1String("http"))
        r.setAttribute(QNetworkRequest::Http2DirectAttribute, true);
    if (m_tls)
        r.setSslConfiguration(*m_tls);
    return r;
}

QNetworkAccessManager *ProviderHttpClient::pickManager()
{
    // The least loaded manager: admission keeps the total at most managers x connections, so
    // none ever holds more than its share of connections and none queues inside Qt.
    QNetworkAccessManager *best = nullptr;
    for (QNetworkAccessManager *m : std::as_const(m_managers)) {
        if (!best || m_managerLoad.value(m) < m_managerLoad.value(best))
            best = m;
    }
    if ((!best || m_managerLoad.value(best) >= m_connectionsPerManager) && m_managers.size() < m_managerLimit) {
        best = new QNetworkAccessManager(this);
        best->setAutoDeleteReplies(false);
        m_managers.append(best);
        QMutexLocker lock(&m_statsMutex);
        m_stats.managers = int(m_managers.size());
    }
    ++m_managerLoad[best];
    return best;
}

void ProviderHttpClient::releaseManager(QNetworkAccessManager *manager)
{
    --m_managerLoad[manager];
}

void ProviderHttpClient::noteQueued(int delta)
{
    QMutexLocker lock(&m_statsMutex);
    m_stats.queued += delta;
}

void ProviderHttpClient::noteOutcome(const HttpOutcome &outcome, bool wasInFlight)
{
    QMutexLocker lock(&m_statsMutex);
    if (wasInFlight)
        --m_stats.inFlight;
    (outcome.ok() ? m_stats.completed : m_stats.failed) += 1;
    m_stats.retried += std::max(0, outcome.attempts - 1);
    m_stats.latency.record(outcome.latencyMicros);
}

HttpOutcome ProviderHttpClient::tlsSetupFailure()
{
    HttpOutcome outcome;
    outcome.error = HttpError::Tls;
    outcome.message = m_tlsError;
    QMutexLocker lock(&m_statsMutex);
    ++m_stats.failed; // no call was made, so no latency to record
    return outcome;
}

HttpClientStats ProviderHttpClient::stats() const
{
    QMutexLocker lock(&m_statsMutex);
    return m_stats;
}

QCoro::Task<HttpOutcome> ProviderHttpClient::post(WireRequest request, HttpCallOptions options)
{
    QElapsedTimer clock;
    clock.start();
    QPointer<ProviderHttpClient> self(this);
    if (!m_tlsError.isEmpty())
        co_return tlsSetupFailure();

    noteQueued(+1);
    const Admission admission = co_await m_admission->acquire(options.deadline, options.cancel);
    if (!self || m_closing)
        co_return refused(Admission::Cancelled, {});
    noteQueued(-1);
    const qint64 queuedMicros = clock.nsecsElapsed() / 1000;
    if (admission != Admission::Granted) {
        HttpOutcome outcome = refused(admission, milliseconds(clock.elapsed()));
        outcome.queuedMicros = queuedMicros;
        outcome.latencyMicros = queuedMicros;
        noteOutcome(outcome, false);
        co_return outcome;
    }
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.inFlight;
    }

    HttpOutcome outcome;
    for (int attempt = 1;; ++attempt) {
        QNetworkAccessManager *manager = pickManager();
        std::unique_ptr<HttpAttempt, DeleteLater> call(
            new HttpAttempt(manager, makeRequest(request), request.body, remainingOf(options.deadline, clock), options));
        HttpAttempt *raw = call.get();
        m_live.insert(raw);
        call->start();
        if (!call->isFinished())
            co_await qCoro(raw, &HttpAttempt::finished); // its deadline timer always ends it
        if (!self || m_closing)
            co_return refused(Admission::Cancelled, {});
        m_live.remove(raw);
        releaseManager(manager);
        outcome = call->outcome();
        if (!call->isFinished()) {
            outcome.error = HttpError::Timeout;
            outcome.message = QStringLiteral("no answer within the deadline");
        }
        outcome.attempts = attempt;
        const auto delay = m_config.retry.nextDelay(outcome, call->retryAfter(), attempt,
                                                    remainingOf(options.deadline, clock), m_rng);
        if (!delay)
            break;
        const bool waited = co_await CancellableDelay::wait(*delay, options.cancel);
        if (!self || m_closing)
            co_return refused(Admission::Cancelled, {});
        if (!waited) {
            outcome.error = HttpError::Cancelled;
            outcome.message = QStringLiteral("cancelled");
            break;
        }
    }
    m_admission->release();
    outcome.queuedMicros = queuedMicros;
    outcome.latencyMicros = clock.nsecsElapsed() / 1000;
    scrubSecrets(outcome);
    noteOutcome(outcome, true);
    co_return outcome;
}

HttpOutcome ProviderHttpClient::postBlocking(const WireRequest &request, const HttpCallOptions &options)
{
    Q_ASSERT_X(QThread::currentThread() != thread(), "postBlocking", "would block the client's own event loop");
    // One manager per worker thread, as a blocking HTTP library keeps one session per thread;
    // one per TLS setting, since Qt reuses a connection by host and port alone: a connection made
    // without checks (--insecure) must never carry a checked provider's call.
    struct ThreadManagers { // deleted with its thread, managers and all
        QHash<QString, QNetworkAccessManager *> byTls;
        ~ThreadManagers() { qDeleteAll(byTls); }
    };
    static QThreadStorage<ThreadManagers *> managers;
    if (!managers.hasLocalData())
        managers.setLocalData(new ThreadManagers);
    const QString tlsKey = m_config.tlsInsecure ? QStringLiteral("insecure") : m_config.caBundle;
    QNetworkAccessManager *&manager = managers.localData()->byTls[tlsKey];
    if (!manager)
        manager = new QNetworkAccessManager;
    if (!m_tlsError.isEmpty())
        return tlsSetupFailure();

    QElapsedTimer clock;
    clock.start();
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.inFlight;
    }
    std::mt19937 rng(std::random_device{}());
    HttpOutcome outcome;
    for (int attempt = 1;; ++attempt) {
        HttpAttempt call(manager, makeRequest(request), request.body, remainingOf(options.deadline, clock), options);
        QEventLoop loop;
        connect(&call, &HttpAttempt::finished, &loop, &QEventLoop::quit);
        call.start();
        if (!call.isFinished())
            loop.exec(QEventLoop::ExcludeUserInputEvents);
        outcome = call.outcome();
        outcome.attempts = attempt;
        const auto delay =
            m_config.retry.nextDelay(outcome, call.retryAfter(), attempt, remainingOf(options.deadline, clock), rng);
        if (!delay)
            break;
        QThread::msleep(quint64(delay->count())); // the blocking baseline sleeps like its peers do
        if (options.cancel && options.cancel->isCancelled()) {
            outcome.error = HttpError::Cancelled;
            outcome.message = QStringLiteral("cancelled");
            break;
        }
    }
    outcome.latencyMicros = clock.nsecsElapsed() / 1000;
    scrubSecrets(outcome);
    noteOutcome(outcome, true);
    return outcome;
}

void ProviderHttpClient::scrubSecrets(HttpOutcome &outcome) const
{
    // A provider may echo the key it was sent in an error (a 401 "invalid key sk-..."): the body
    // and the message become error texts, call-log columns and test reports, so the key goes here,
    // before anything reads them. Successful bodies are left alone: they are parsed, not shown.
    if (outcome.ok() || m_apiKey.isEmpty())
        return;
    if (outcome.body.contains(m_apiKey.toUtf8()))
        outcome.body = redactSecrets(QString::fromUtf8(outcome.body), secrets()).toUtf8();
    outcome.message = redactSecrets(outcome.message, secrets());
}

} // namespace rag::providers
