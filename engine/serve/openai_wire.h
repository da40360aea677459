// OpenAI's chat completions as serve speaks them (docs/serve.md, "POST /v1/chat/completions"):
// the request read into what the chat engine needs, and the response bodies and stream events
// built from its answer. No I/O here, so every format is tested without a network.
#pragma once

#include "chat/ask_types.h"
#include "core/result.h"
#include "serve/answer_format.h"
#include "serve/api_error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <chrono>
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

// OpenAI's chat.completion (not streamed) and chat.completion.chunk events: the first delta
// carries the role; the closing chunk has finish_reason "stop" and this project's "references"
// and "trace"; then a usage chunk when asked for, then "data: [DONE]".
class OpenAiFormat final : public AnswerFormat {
public:
    explicit OpenAiFormat(const CompletionRequest &request);

    QByteArray deltaEvent(const QString &delta) override;
    QByteArray finalEvents(const chat::AskResult &result) override;
    QByteArray body(const chat::AskResult &result) override;
    QByteArray errorBody(const ApiError &error) override;
    QByteArray errorEvent(const ApiError &error) override;
    ApiError errorFromAnswer(const Error &engineError) override;

private:
    CompletionIdentity m_identity;
    bool m_includeUsage = false;
    bool m_first = true;
};

// What the chat engine is asked: the assistant named by `model`, the history as sent, nothing
// saved (an OpenAI client keeps the conversation and sends it whole each time).
chat::AskOptions askOptionsFor(const CompletionRequest &request, std::chrono::milliseconds deadline);

// GET /v1/models: {"object":"list","data":[{"id","object":"model","created","owned_by"}]}.
QByteArray modelsBody(const QStringList &assistantNames);

} // namespace rag::serve
