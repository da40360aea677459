#include "serve/api_error.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rag::serve {

namespace {

QJsonValue nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

} // namespace

ApiError ApiError::badRequest(const QString &message, const QString &param)
{
    return {400, "invalid_request_error", {}, message, param, 0};
}

ApiError ApiError::unauthorized()
{
    return {401, "invalid_request_error", "invalid_api_key",
            QStringLiteral("Incorrect or missing API key: send \"Authorization: Bearer KEY\" with a key this server "
                           "was started with"),
            {}, 0};
}

ApiError ApiError::notFound(const QByteArray &path)
{
    return {404, "invalid_request_error", "unknown_url",
            QStringLiteral("Unknown request URL: %1 (docs/serve.md lists the endpoints)").arg(QString::fromUtf8(path)), {}, 0};
}

ApiError ApiError::methodNotAllowed(const QByteArray &allowed)
{
    return {405, "invalid_request_error", "method_not_allowed",
            QStringLiteral("This endpoint takes %1").arg(QString::fromLatin1(allowed)), {}, 0, allowed};
}

ApiError ApiError::shuttingDown()
{
    return {503, "overloaded", "shutting_down", QStringLiteral("The server is shutting down; try another instance"), {}, 5};
}

QByteArray errorBody(const ApiError &error)
{
    const QJsonObject inner{{QStringLiteral("message"), error.message},
                            {QStringLiteral("type"), QString::fromLatin1(error.type)},
                            {QStringLiteral("param"), nullIfEmpty(error.param)},
                            {QStringLiteral("code"), nullIfEmpty(QString::fromLatin1(error.code))}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), inner}}).toJson(QJsonDocument::Compact);
}

QByteArray errorEvent(const ApiError &error)
{
    return "data: " + errorBody(error) + "\n\n";
}

net::HttpHeaders errorHeaders(const ApiError &error)
{
    net::HttpHeaders headers;
    if (error.retryAfterSeconds > 0) // 503 and 429
        headers.append(std::pair<QByteArray, QByteArray>("Retry-After", QByteArray::number(error.retryAfterSeconds)));
    if (error.status == 401)
        headers.append(std::pair<QByteArray, QByteArray>("WWW-Authenticate", "Bearer"));
    if (!error.allow.isEmpty())
        headers.append(std::pair<QByteArray, QByteArray>("Allow", error.allow));
    return headers;
}

void respondError(net::HttpResponder *responder, const ApiError &error)
{
    responder->respond(error.status, "application/json", errorBody(error) + '\n', errorHeaders(error));
}

ApiError errorFromAnswer(const Error &engineError, const QString &model)
{
    const QString &message = engineError.message;
    switch (engineError.kind) {
    case ErrorKind::Overloaded:
        return {503, "overloaded", "overloaded", message, {}, 1};
    // The client's own going away writes nothing; a cancel that reaches an open response is the
    // server's drain running out of grace.
    case ErrorKind::ShuttingDown:
    case ErrorKind::Cancelled:
        return ApiError::shuttingDown();
    case ErrorKind::AssistantNotFound:
        return {404, "invalid_request_error", "model_not_found",
                QStringLiteral("The model '%1' does not exist: models are this server's assistants (GET /v1/models)").arg(model),
                QStringLiteral("model"), 0};
    case ErrorKind::QuestionTooLong:
        return {400, "invalid_request_error", "context_length_exceeded", message, QStringLiteral("messages"), 0};
    case ErrorKind::Deadline:
        return {504, "timeout", "deadline_exceeded", message, {}, 0};
    default:
        break;
    }
    return {500, "server_error", {}, message, {}, 0};
}

} // namespace rag::serve
