// Errors as serve answers them: an HTTP status with OpenAI's error body
// {"error":{"message","type","param","code"}} (docs/serve.md, "Errors"), and the mapping from the
// engine's error messages to statuses.
#pragma once

#include "core/result.h"
#include "net/http_server.h"

#include <QByteArray>
#include <QString>

namespace rag::serve {

struct ApiError {
    int status = 500;
    QByteArray type = "server_error"; // invalid_request_error, authentication_error, overloaded, ...
    QByteArray code;                  // invalid_api_key, model_not_found, ...; empty: null
    QString message;
    QString param;                    // the request field at fault; empty: null
    int retryAfterSeconds = 0;        // sent as Retry-After when > 0
    QByteArray allow;                 // 405: the methods the endpoint takes, sent as Allow

    static ApiError badRequest(const QString &message, const QString &param = {});
    static ApiError unauthorized();
    static ApiError notFound(const QByteArray &path);
    static ApiError methodNotAllowed(const QByteArray &allowed);
    static ApiError shuttingDown();
};

QByteArray errorBody(const ApiError &error);
// The same error as an SSE event, for a stream that has already begun.
QByteArray errorEvent(const ApiError &error);
// Retry-After for 503s and 429s, WWW-Authenticate for 401s, Allow for 405s.
net::HttpHeaders errorHeaders(const ApiError &error);
void respondError(net::HttpResponder *responder, const ApiError &error);

// An answer that failed, by the engine's message: overload 503 with Retry-After, an unknown
// assistant 404, a question too long 400, a deadline 504, anything else 500.
ApiError errorFromAnswer(const Error &engineError, const QString &model);

} // namespace rag::serve
