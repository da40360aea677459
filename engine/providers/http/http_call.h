// What one provider call asks of the HTTP client and what it gets back. The same types serve the
// async client and the blocking path, so both report calls the same way.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <chrono>
#include <functional>

namespace rag::providers {

struct HttpCallOptions {
    // Total budget of the call: admission wait, every attempt and the backoff between them.
    std::chrono::milliseconds deadline{30'000};
    // While a response streams: the longest gap between two reads. 0: none.
    std::chrono::milliseconds inactivity{0};
    // Streaming: called with the bytes of a 2xx response as they arrive (the outcome's body stays
    // empty); return false to stop reading (the reply is aborted). Unset: the body is collected.
    std::function<bool(QByteArrayView)> onData;
    // Streams: false makes the deadline bound only the wait for the response to start (chat's
    // "first byte" budget); once bytes flow, only the inactivity timeout applies.
    bool deadlineCoversBody = true;
    CancelTokenPtr cancel;
};

enum class HttpError {
    None,
    Connect,     // could not connect, or the connection dropped before any response
    Status,      // the server answered with a non-2xx status (body kept for its message)
    Timeout,     // the total deadline passed
    Inactivity,  // a streamed response stalled longer than the inactivity timeout
    Cancelled,   // the caller cancelled
    Overloaded,  // the admission queue is full: refused at once
    Network,     // any other transport failure (reset mid-response, protocol)
    Tls,         // the TLS handshake failed (an untrusted certificate) or the CA bundle is unreadable
    Stopped,     // the onData consumer asked to stop
};

QString httpErrorName(HttpError error); // "connect", "status", "timeout", ...

struct HttpOutcome {
    HttpError error = HttpError::None;
    int status = 0;         // last HTTP status seen, 0 if none
    QByteArray body;        // the response body (non-2xx bodies too, for the error message)
    QString message;        // what went wrong, for people; empty on success
    int attempts = 0;       // requests actually sent
    qint64 queuedMicros = 0;  // time waiting for admission
    qint64 latencyMicros = 0; // from the call to its outcome, all attempts included
    bool producedOutput = false; // streamed bytes reached onData

    bool ok() const { return error == HttpError::None; }
};

// A failed call told as "WHO answered HTTP 503: MESSAGE" or "WHO failed (timeout): MESSAGE",
// with its kind: a status, a timeout, a stall, a stream cut after output began, ... `who` names
// the provider ("chat model 'gpt'"); the message of a status is the provider's own (its body).
Error callFailure(const QString &who, const HttpOutcome &outcome);

} // namespace rag::providers
