#include "providers/wire/chat_wire.h"

#include "providers/wire/chat_json.h"
#include "providers/wire/provider_endpoints.h"

#include <QJsonArray>

namespace rag::providers {

WireRequest buildChatRequest(ProviderKind kind, const QString &baseUrl, const ChatParams &params)
{
    QJsonArray messages;
    for (const ChatMessage &m : params.messages)
        messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
    QJsonObject body{
        {QStringLiteral("model"), wireModelName(kind, params.model)},
        {QStringLiteral("messages"), messages},
        {QStringLiteral("stream"), params.stream},
    };
    if (kind == ProviderKind::Ollama) {
        body.insert(QStringLiteral("options"), QJsonObject{{QStringLiteral("temperature"), params.temperature},
                                                           {QStringLiteral("num_predict"), params.maxTokens}});
    } else {
        body.insert(QStringLiteral("temperature"), params.temperature);
        body.insert(QStringLiteral("max_tokens"), params.maxTokens);
        // Without this OpenAI sends no usage when streaming, and we would have to count locally.
        if (params.stream)
            body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    WireRequest request;
    request.url = chatUrl(kind, baseUrl);
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.sendAuth = kind != ProviderKind::Ollama && kind != ProviderKind::Xinference;
    return request;
}

Result<ChatCompletion> parseChatCompletion(ProviderKind kind, const QByteArray &body)
{
    const QString what = kindName(kind) + QStringLiteral(" chat reply");
    auto doc = wire::parseJsonBody(body, what);
    if (!doc)
        return fail(doc.error());
    if (!doc->isObject())
        return fail(what + QStringLiteral(" is not a JSON object"));
    const QJsonObject root = doc->object();
    if (const QString error = wire::embeddedError(root); !error.isEmpty())
        return fail(QStringLiteral("%1 chat error: %2").arg(kindName(kind), error));

    ChatCompletion out;
    if (kind == ProviderKind::Ollama) {
        const QJsonValue message = root.value(QLatin1String("message"));
        if (!message.isObject())
            return fail(what + QStringLiteral(" has no \"message\" object"));
        out.content = wire::optionalString(message.toObject(), "content");
        out.reasoning = wire::optionalString(message.toObject(), "thinking");
        out.finishReason = wire::optionalString(root, "done_reason");
        if (out.finishReason.isEmpty() && root.value(QLatin1String("done")).toBool())
            out.finishReason = QStringLiteral("stop"); // older Ollama versions send no done_reason
        out.usage = wire::ollamaUsage(root);
        return out;
    }
    const QJsonArray choices = root.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return fail(what + QStringLiteral(" has no \"choices\""));
    const QJsonObject choice = choices.first().toObject();
    const QJsonValue message = choice.value(QLatin1String("message"));
    if (!message.isObject())
        return fail(what + QStringLiteral(" has no choices[0].message object"));
    const QJsonValue content = message.toObject().value(QLatin1String("content"));
    if (!content.isString() && !content.isNull() && !content.isUndefined())
        return fail(what + QStringLiteral(": choices[0].message.content is not a string"));
    out.content = content.toString();
    out.reasoning = wire::optionalString(message.toObject(), "reasoning_content");
    out.finishReason = wire::optionalString(choice, "finish_reason");
    out.usage = wire::openAiUsage(root.value(QLatin1String("usage")));
    return out;
}

QString providerErrorMessage(const QByteArray &body)
{
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonValue error = root.value(QLatin1String("error"));
    if (const QString message = error.toObject().value(QLatin1String("message")).toString(); !message.isEmpty())
        return message;
    if (error.isString() && !error.toString().isEmpty())
        return error.toString();
    if (const QString message = wire::optionalString(root, "message"); !message.isEmpty())
        return message;
    // FastAPI: "detail" is a string, or a list of validation errors {"loc", "msg", "type"}.
    const QJsonValue detail = root.value(QLatin1String("detail"));
    if (detail.isString() && !detail.toString().isEmpty())
        return detail.toString();
    if (detail.isArray()) {
        QStringList messages;
        for (const QJsonValue item : detail.toArray()) {
            const QString msg = item.toObject().value(QLatin1String("msg")).toString();
            if (!msg.isEmpty())
                messages.append(msg);
        }
        if (!messages.isEmpty())
            return messages.join(QStringLiteral("; "));
    }
    return wire::bodySnippet(body, 200);
}

} // namespace rag::providers
