#include "providers/http/http_call.h"

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
    }
    return {};
}

} // namespace rag::providers
