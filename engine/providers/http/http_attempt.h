// One HTTP request on one QNetworkAccessManager: sends it, streams or collects the reply, enforces
// the attempt's deadline and the inactivity timeout, and aborts on cancellation. Emits finished()
// once. The async client awaits that signal; the blocking path runs a local event loop until it.
#pragma once

#include "providers/http/http_call.h"

#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace rag::providers {

class HttpAttempt : public QObject {
    Q_OBJECT
public:
    HttpAttempt(QNetworkAccessManager *manager, QNetworkRequest request, QByteArray body,
                std::chrono::milliseconds timeLeft, const HttpCallOptions &options, QObject *parent = nullptr);
    ~HttpAttempt() override;

    void start();
    void cancel(); // finishes at once with HttpError::Cancelled
    bool isFinished() const { return m_finished; }
    const HttpOutcome &outcome() const { return m_outcome; }
    QByteArray retryAfter() const { return m_retryAfter; }

signals:
    void finished();

private:
    void onReadyRead();
    void onReplyFinished();
    void abortWith(HttpError error, const QString &message);
    void finish();
    bool statusKnown();

    QNetworkAccessManager *m_manager;
    QNetworkRequest m_request;
    QByteArray m_body;
    std::chrono::milliseconds m_timeLeft;
    HttpCallOptions m_options;
    QPointer<QNetworkReply> m_reply;
    QTimer m_deadline;
    QTimer m_inactivity;
    HttpOutcome m_outcome;
    QByteArray m_retryAfter;
    HttpError m_abortReason = HttpError::None;
    QString m_abortMessage;
    bool m_finished = false;
    bool m_sent = false; // Qt reported the request written to the socket
    CancelSubscription m_cancelSubscription;
};

} // namespace rag::providers
