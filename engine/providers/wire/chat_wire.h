// Chat model wire formats: OpenAI-compatible `/chat/completions` (SSE when streaming) and Ollama
// `/api/chat` (NDJSON when streaming); the non-streaming replies; providers' error messages.
#pragma once

#include "core/result.h"
#include "providers/provider_kind.h"
#include "providers/wire/wire_request.h"

#include <QList>
#include <QString>

#include <optional>

namespace rag::providers {

struct ChatMessage {
    QString role; // system, user, assistant
    QString content;
};

struct ChatParams {
    QString model;
    QList<ChatMessage> messages;
    double temperature = 0.1;
    int maxTokens = 512;
    bool stream = true;
};

struct ChatUsage {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 totalTokens = 0;
};

struct ChatCompletion {
    QString content;
    QString reasoning;
    QString finishReason;
    std::optional<ChatUsage> usage;
};

// OpenAI-compatible: {"model","messages","stream","temperature","max_tokens",
// "stream_options":{"include_usage":true} when streaming}; Ollama: {"model","messages","stream",
// "options":{"temperature","num_predict"}}.
WireRequest buildChatRequest(ProviderKind kind, const QString &baseUrl, const ChatParams &params);

// The non-streaming reply (`choices[0].message.content`, Ollama's `message.content`).
Result<ChatCompletion> parseChatCompletion(ProviderKind kind, const QByteArray &body);

// The message a provider put in an error body: {"error":{"message"}}, {"error":"..."} (Ollama),
// {"message"} (Cohere), {"detail"} (TEI/FastAPI: a string or a list of {"msg"}); else the body's
// first 200 characters (empty for an empty body).
QString providerErrorMessage(const QByteArray &body);

} // namespace rag::providers
