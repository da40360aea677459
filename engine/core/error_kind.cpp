#include "core/error_kind.h"

#include "core/result.h"

namespace rag {

QString errorKindName(const Error &error)
{
    switch (error.kind) {
    case ErrorKind::Unclassified: return QStringLiteral("error");
    case ErrorKind::InvalidRequest: return QStringLiteral("invalid_request");
    case ErrorKind::NotFound: return QStringLiteral("not_found");
    case ErrorKind::AssistantNotFound: return QStringLiteral("assistant_not_found");
    case ErrorKind::ConversationNotFound: return QStringLiteral("conversation_not_found");
    case ErrorKind::QuestionTooLong: return QStringLiteral("question_too_long");
    case ErrorKind::Overloaded: return QStringLiteral("overloaded");
    case ErrorKind::Deadline: return QStringLiteral("deadline");
    case ErrorKind::Cancelled: return QStringLiteral("cancelled");
    case ErrorKind::ShuttingDown: return QStringLiteral("shutting_down");
    case ErrorKind::ProviderHttp: return QStringLiteral("provider_http_%1").arg(error.httpStatus);
    case ErrorKind::Timeout: return QStringLiteral("timeout");
    case ErrorKind::Stalled: return QStringLiteral("stalled");
    case ErrorKind::Connect: return QStringLiteral("connect");
    case ErrorKind::Network: return QStringLiteral("network");
    case ErrorKind::StreamCut: return QStringLiteral("stream_cut");
    case ErrorKind::Malformed: return QStringLiteral("malformed");
    case ErrorKind::Tls: return QStringLiteral("tls");
    case ErrorKind::ProviderRefused: return QStringLiteral("provider_overloaded");
    case ErrorKind::Storage: return QStringLiteral("storage");
    case ErrorKind::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("error");
}

} // namespace rag
