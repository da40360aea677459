// Reading chat JSON shared by the non-streaming parser and the stream decoders (private to
// engine/providers/wire): the same fields arrive in a whole reply and in stream chunks.
#pragma once

#include "providers/wire/chat_wire.h"
#include "providers/wire/json_util.h"

#include <QJsonObject>

namespace rag::providers::wire {

// OpenAI's usage object {prompt_tokens, completion_tokens, total_tokens}; null or absent: none.
inline std::optional<ChatUsage> openAiUsage(const QJsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject usage = value.toObject();
    ChatUsage out;
    out.promptTokens = integerValue(usage.value(QLatin1String("prompt_tokens"))).value_or(0);
    out.completionTokens = integerValue(usage.value(QLatin1String("completion_tokens"))).value_or(0);
    out.totalTokens = integerValue(usage.value(QLatin1String("total_tokens")))
                          .value_or(out.promptTokens + out.completionTokens);
    return out;
}

// Ollama reports counts on its last object ("done": true): prompt_eval_count, eval_count.
inline std::optional<ChatUsage> ollamaUsage(const QJsonObject &object)
{
    const auto prompt = integerValue(object.value(QLatin1String("prompt_eval_count")));
    const auto completion = integerValue(object.value(QLatin1String("eval_count")));
    if (!prompt && !completion)
        return std::nullopt;
    ChatUsage out;
    out.promptTokens = prompt.value_or(0);
    out.completionTokens = completion.value_or(0);
    out.totalTokens = out.promptTokens + out.completionTokens;
    return out;
}

// A string field that may be absent or null (OpenAI sends "content": null on tool/role chunks).
inline QString optionalString(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

// The message of an error object sent with a 200 or inside a stream: {"error": {"message"}} or
// {"error": "..."}; an error object without a message is shown as JSON; empty when none.
inline QString embeddedError(const QJsonObject &object)
{
    const QJsonValue error = object.value(QLatin1String("error"));
    if (error.isObject()) {
        const QString message = error.toObject().value(QLatin1String("message")).toString();
        if (!message.isEmpty())
            return message;
        return QString::fromUtf8(QJsonDocument(error.toObject()).toJson(QJsonDocument::Compact));
    }
    if (error.isString() && !error.toString().isEmpty())
        return error.toString();
    return {};
}

} // namespace rag::providers::wire
