#include "providers/http/http_call.h"

#include "providers/wire/chat_wire.h"

namespace rag::providers {

QString httpErrorName(HttpError error)
{
    switch (error) {
    case HttpError::None:
        return QStringLiteral("none");
    case HttpError::Connect:
        return QStringLiteral("connect");
    case HttpError::Status:
        return QStringLiteral("status");
    case HttpError::Timeout:
        return QStringLiteral("timeout");
    case HttpError::Inactivity:
        return QStringLiteral("inactivity");
    case HttpError::Cancelled:
        return QStringLiteral("cancelled");
    case HttpError::Overloaded:
        return QStringLiteral("overloaded");
    case HttpError::Network:
        return QStringLiteral("network");
    case HttpError::Stopped:
        return QStringLiteral("stopped");
    case HttpError::Tls:
        return QStringLiteral("tls");
    }
    return {};
}

Error callFailure(const QString &who, const HttpOutcome &outcome)
{
    if (outcome.error == HttpError::Status) {
        Error error = fail(QStringLiteral("%1 answered HTTP %2: %3").arg(who, QString::number(outcome.status),
                                                                       providerErrorMessage(outcome.body)),
                           ErrorKind::ProviderHttp);
        error.httpStatus = outcome.status;
        return error;
    }
    ErrorKind kind = ErrorKind::Unclassified;
    switch (outcome.error) {
    case HttpError::Timeout: kind = ErrorKind::Timeout; break;
    case HttpError::Inactivity: kind = ErrorKind::Stalled; break;
    case HttpError::Cancelled: kind = ErrorKind::Cancelled; break;
    case HttpError::Overloaded: kind = ErrorKind::ProviderRefused; break;
    case HttpError::Connect:
    case HttpError::Network: // a stream that broke once its text had begun is a cut stream
        kind = outcome.producedOutput ? ErrorKind::StreamCut
               : outcome.error == HttpError::Connect ? ErrorKind::Connect : ErrorKind::Network;
        break;
    case HttpError::Stopped: kind = ErrorKind::Malformed; break; // the reader stopped on what it could not read
    case HttpError::Tls: kind = ErrorKind::Tls; break;
    case HttpError::None:
    case HttpError::Status: break;
    }
    return fail(QStringLiteral("%1 failed (%2): %3").arg(who, httpErrorName(outcome.error), outcome.message), kind);
}

} // namespace rag::providers
