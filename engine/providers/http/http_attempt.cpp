#include "providers/http/http_attempt.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace rag::providers {

namespace {

HttpError classify(QNetworkReply::NetworkError error, bool gotResponse)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError: // the proxy was not reached: nothing was sent
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        return HttpError::Connect;
    case QNetworkReply::SslHandshakeFailedError:
        return HttpError::Tls; // retrying cannot make a certificate trusted
    case QNetworkReply::RemoteHostClosedError:
        // Dropped before a status line: nothing was answered, so it is as safe to retry as a
        // refused connect. Dropped mid-response: the answer is lost.
        return gotResponse ? HttpError::Network : HttpError::Connect;
    default:
        return HttpError::Network;
    }
}

// Qt 6.4 mishandles abort() on a reply whose request its HTTP thread has not sent yet: the request
// still goes out and the connection channel stays busy, stalling the manager's next requests to
// that host (tst_http_client::cancelLeavesTheQueue). Such a reply is detached instead and aborted
// once Qt reports it sent, or when it ends, or after a bound.
void retireUnsentReply(QNetworkReply *reply)
{
    QObject::connect(reply, &QNetworkReply::requestSent, reply, [reply] { reply->abort(); }, Qt::QueuedConnection);
    QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    QTimer::singleShot(std::chrono::seconds(30), reply, [reply] { reply->abort(); });
}

} // namespace

HttpAttempt::HttpAttempt(QNetworkAccessManager *manager, QNetworkRequest request, QByteArray body,
                         std::chrono::milliseconds timeLeft, const HttpCallOptions &options, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_request(std::move(request))
    , m_body(std::move(body))
    , m_timeLeft(timeLeft)
    , m_options(options)
{
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this,
            [this] { abortWith(HttpError::Timeout, QStringLiteral("no answer within the deadline")); });
    m_inactivity.setSingleShot(true);
    connect(&m_inactivity, &QTimer::timeout, this, [this] {
        abortWith(HttpError::Inactivity,
                  QStringLiteral("the stream stalled for %1 ms").arg(m_options.inactivity.count()));
    });
}

HttpAttempt::~HttpAttempt()
{
    m_cancelSubscription.reset();
    if (m_reply) {
        m_reply->disconnect(this);
        if (m_sent) {
            m_reply->abort();
            m_reply->deleteLater();
        } else {
            retireUnsentReply(m_reply);
        }
    }
}

void HttpAttempt::start()
{
    if (m_options.cancel && m_options.cancel->isCancelled()) {
        m_outcome.error = HttpError::Cancelled;
        m_outcome.message = QStringLiteral("cancelled");
        finish();
        return;
    }
    if (m_options.cancel) {
        // Called on this thread, whichever thread cancels: the reply is only touched here.
        m_cancelSubscription = m_options.cancel->subscribe(
            this, [this] { abortWith(HttpError::Cancelled, QStringLiteral("cancelled")); });
    }
    m_reply = m_manager->post(m_request, m_body);
    connect(m_reply, &QNetworkReply::requestSent, this, [this] { m_sent = true; });
    connect(m_reply, &QNetworkReply::readyRead, this, &HttpAttempt::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HttpAttempt::onReplyFinished);
    m_deadline.start(std::max<qint64>(1, m_timeLeft.count()));
    if (m_options.inactivity.count() > 0)
        m_inactivity.start(m_options.inactivity);
}

void HttpAttempt::cancel()
{
    abortWith(HttpError::Cancelled, QStringLiteral("cancelled"));
}

bool HttpAttempt::statusKnown()
{
    if (m_outcome.status == 0 && m_reply)
        m_outcome.status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return m_outcome.status != 0;
}

void HttpAttempt::onReadyRead()
{
    if (!m_reply || m_finished)
        return;
    if (m_options.inactivity.count() > 0)
        m_inactivity.start(m_options.inactivity);
    statusKnown();
    const QByteArray bytes = m_reply->readAll();
    const bool success = m_outcome.status >= 200 && m_outcome.status < 300;
    if (!m_options.onData || !success) {
        m_outcome.body += bytes; // error bodies are kept whole for the provider's message
        return;
    }
    if (bytes.isEmpty())
        return;
    if (!m_outcome.producedOutput && !m_options.deadlineCoversBody)
        m_deadline.stop();
    m_outcome.producedOutput = true;
    if (!m_options.onData(bytes))
        abortWith(HttpError::Stopped, QStringLiteral("stopped by the reader"));
}

void HttpAttempt::onReplyFinished()
{
    if (m_finished || !m_reply)
        return;
    if (m_reply->isOpen())
        onReadyRead(); // whatever arrived with the end
    const bool gotResponse = statusKnown();
    const QNetworkReply::NetworkError error = m_reply->error();
    m_retryAfter = m_reply->rawHeader("Retry-After");
    if (m_abortReason != HttpError::None) {
        m_outcome.error = m_abortReason;
        m_outcome.message = m_abortMessage;
    } else if (gotResponse && (m_outcome.status < 200 || m_outcome.status >= 300)) {
        m_outcome.error = HttpError::Status;
        m_outcome.message = QStringLiteral("HTTP %1").arg(m_outcome.status);
    } else if (error != QNetworkReply::NoError) {
        m_outcome.error = classify(error, gotResponse);
        m_outcome.message = m_reply->errorString();
    }
    finish();
}

void HttpAttempt::abortWith(HttpError error, const QString &message)
{
    if (m_finished || m_abortReason != HttpError::None)
        return;
    m_abortReason = error;
    m_abortMessage = message;
    if (m_reply && m_sent) {
        m_reply->abort(); // emits finished() synchronously, which records the reason
        return;
    }
    if (m_reply) {
        m_reply->disconnect(this);
        retireUnsentReply(m_reply);
        m_reply = nullptr;
    }
    m_outcome.error = error;
    m_outcome.message = message;
    finish();
}

void HttpAttempt::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    m_inactivity.stop();
    m_cancelSubscription.reset();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->deleteLater(); // never delete a reply inside its own finished() emission
        m_reply = nullptr;
    }
    emit finished();
}

} // namespace rag::providers
