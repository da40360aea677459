// OpenAI's chat completions as serve speaks them (docs/serve.md, "POST /v1/chat/completions"):
// the request read into what the chat engine needs, and the response bodies and stream events
// built from its answer. No I/O here, so every format is tested without a network.
#pragma once

#include "chat/ask_types.h"
#include "core/result.h"
#include "serve/api_error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <variant>

namespace rag::serve {

struct CompletionRequest {
    QString model;                          // an assistant's name
    QString question;                       // the last user message
    QList<providers::ChatMessage> history;  // the user and assistant turns before it, oldest first
    bool stream = false;
    bool includeUsage = false;              // stream_options.include_usage: a usage chunk at the end
};

// Reads a request body. The client's system and developer messages are not sent to the model:
// the assistant's own prompt (with the retrieved passages) governs the answer.
std::variant<CompletionRequest, ApiError> parseCompletionRequest(const QByteArray &body);

// One response's identity: every chunk of a stream carries the same id, created and model.
struct CompletionIdentity {
    QByteArray id;   // "chatcmpl-" and 24 random hex digits
    qint64 created = 0; // Unix seconds
    QString model;

    static CompletionIdentity create(const QString &model);
};

// "data: {...chat.completion.chunk...}\n\n" with a content delta; the first carries the role.
QByteArray deltaEvent(const CompletionIdentity &identity, const QString &content, bool first);
// The closing chunk (finish_reason "stop", with this project's "references" and "trace"), then
// the usage chunk when asked for, then "data: [DONE]".
QByteArray finalEvents(const CompletionIdentity &identity, const chat::AskResult &result, bool includeUsage);
QByteArray doneEvent();

// The non-streamed response: object "chat.completion" with usage, references and trace.
QByteArray completionBody(const CompletionIdentity &identity, const chat::AskResult &result);

// GET /v1/models: {"object":"list","data":[{"id","object":"model","created","owned_by"}]}.
QByteArray modelsBody(const QStringList &assistantNames);

} // namespace rag::serve
