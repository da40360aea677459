#include "serve/openai_wire.h"

#include "chat/answer_json.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace rag::serve {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray event(const QJsonObject &object)
{
    return "data: " + compact(object) + "\n\n";
}

QJsonObject usageJson(const chat::AskResult &result)
{
    return {{QStringLiteral("prompt_tokens"), result.promptTokens},
            {QStringLiteral("completion_tokens"), result.completionTokens},
            {QStringLiteral("total_tokens"), result.promptTokens + result.completionTokens}};
}

QJsonObject chunkObject(const CompletionIdentity &identity, const QJsonArray &choices)
{
    return {{QStringLiteral("id"), QString::fromLatin1(identity.id)},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), identity.created},
            {QStringLiteral("model"), identity.model},
            {QStringLiteral("choices"), choices}};
}

// A message's text: a string, or OpenAI's array of content parts of which only text is read.
std::variant<QString, ApiError> textOf(const QJsonValue &content, int index)
{
    const QString param = QStringLiteral("messages[%1].content").arg(index);
    if (content.isString())
        return content.toString();
    if (content.isNull() || content.isUndefined())
        return QString();
    if (!content.isArray())
        return ApiError::badRequest(QStringLiteral("%1 must be a string or an array of text parts").arg(param), param);
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonObject object = part.toObject();
        if (object.value(QStringLiteral("type")).toString() != QLatin1String("text"))
            return ApiError::badRequest(QStringLiteral("%1: only text parts are supported").arg(param), param);
        if (!text.isEmpty())
            text += QLatin1Char('\n');
        text += object.value(QStringLiteral("text")).toString();
    }
    return text;
}

} // namespace

std::variant<CompletionRequest, ApiError> parseCompletionRequest(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return ApiError::badRequest(QStringLiteral("The body is not valid JSON: %1 at byte %2")
                                        .arg(parseError.errorString())
                                        .arg(parseError.offset));
    if (!document.isObject())
        return ApiError::badRequest(QStringLiteral("The body must be a JSON object"));
    const QJsonObject root = document.object();

    CompletionRequest request;
    const QJsonValue model = root.value(QStringLiteral("model"));
    if (!model.isString() || model.toString().trimmed().isEmpty())
        return ApiError::badRequest(QStringLiteral("'model' must name an assistant (GET /v1/models lists them)"),
                                   QStringLiteral("model"));
    request.model = model.toString().trimmed();
    const QJsonValue stream = root.value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return ApiError::badRequest(QStringLiteral("'stream' must be true or false"), QStringLiteral("stream"));
    request.stream = stream.toBool(false);
    request.includeUsage =
        root.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool(false);

    const QJsonValue messages = root.value(QStringLiteral("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty())
        return ApiError::badRequest(QStringLiteral("'messages' must be a non-empty array"), QStringLiteral("messages"));
    const QJsonArray list = messages.toArray();
    QList<providers::ChatMessage> turns;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject message = list.at(i).toObject();
        const QString role = message.value(QStringLiteral("role")).toString();
        auto text = textOf(message.value(QStringLiteral("content")), int(i));
        if (auto *error = std::get_if<ApiError>(&text))
            return *error;
        if (role == QLatin1String("system") || role == QLatin1String("developer"))
            continue;
        if (role != QLatin1String("user") && role != QLatin1String("assistant"))
            return ApiError::badRequest(QStringLiteral("messages[%1].role must be system, developer, user or assistant, not '%2'")
                                            .arg(i)
                                            .arg(role),
                                        QStringLiteral("messages[%1].role").arg(i));
        turns.append({role, std::get<QString>(text)});
    }
    if (turns.isEmpty() || turns.constLast().role != QLatin1String("user")
        || turns.constLast().content.trimmed().isEmpty())
        return ApiError::badRequest(QStringLiteral("The last message must be a user message with a question"),
                                   QStringLiteral("messages"));
    request.question = turns.takeLast().content;
    request.history = std::move(turns);
    return request;
}

CompletionIdentity CompletionIdentity::create(const QString &model)
{
    CompletionIdentity identity;
    QByteArray random(12, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(random.data()), 3);
    identity.id = "chatcmpl-" + random.toHex();
    identity.created = QDateTime::currentSecsSinceEpoch();
    identity.model = model;
    return identity;
}

OpenAiFormat::OpenAiFormat(const CompletionRequest &request)
    : m_identity(CompletionIdentity::create(request.model)), m_includeUsage(request.includeUsage)
{
}

QByteArray OpenAiFormat::deltaEvent(const QString &content)
{
    QJsonObject delta{{QStringLiteral("content"), content}};
    if (std::exchange(m_first, false))
        delta.insert(QStringLiteral("role"), QStringLiteral("assistant"));
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), delta},
                             {QStringLiteral("finish_reason"), QJsonValue()}};
    return event(chunkObject(m_identity, {choice}));
}

QByteArray OpenAiFormat::finalEvents(const chat::AskResult &result)
{
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), QJsonObject()},
                             {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
    QJsonObject last = chunkObject(m_identity, {choice});
    last.insert(QStringLiteral("references"), chat::referencesToJson(result.references));
    last.insert(QStringLiteral("trace"), result.trace);
    QByteArray out = event(last);
    if (m_includeUsage) {
        QJsonObject usage = chunkObject(m_identity, QJsonArray());
        usage.insert(QStringLiteral("usage"), usageJson(result));
        out += event(usage);
    }
    return out + "data: [DONE]\n\n";
}

QByteArray OpenAiFormat::body(const chat::AskResult &result)
{
    const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("content"), result.answer}};
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
    return compact({{QStringLiteral("id"), QString::fromLatin1(m_identity.id)},
                    {QStringLiteral("object"), QStringLiteral("chat.completion")},
                    {QStringLiteral("created"), m_identity.created},
                    {QStringLiteral("model"), m_identity.model},
                    {QStringLiteral("choices"), QJsonArray{choice}},
                    {QStringLiteral("usage"), usageJson(result)},
                    {QStringLiteral("references"), chat::referencesToJson(result.references)},
                    {QStringLiteral("trace"), result.trace}})
        + '\n';
}

QByteArray OpenAiFormat::errorBody(const ApiError &error)
{
    return serve::errorBody(error) + '\n';
}

QByteArray OpenAiFormat::errorEvent(const ApiError &error)
{
    return serve::errorEvent(error);
}

ApiError OpenAiFormat::errorFromAnswer(const Error &engineError)
{
    return serve::errorFromAnswer(engineError, m_identity.model);
}

chat::AskOptions askOptionsFor(const CompletionRequest &request, std::chrono::milliseconds deadline)
{
    chat::AskOptions ask;
    ask.question = request.question;
    ask.assistant = request.model;
    ask.history = request.history;
    ask.save = false;
    ask.deadline = deadline;
    return ask;
}

QByteArray modelsBody(const QStringList &assistantNames)
{
    QJsonArray data;
    for (const QString &name : assistantNames)
        data.append(QJsonObject{{QStringLiteral("id"), name},
                                {QStringLiteral("object"), QStringLiteral("model")},
                                {QStringLiteral("created"), 0},
                                {QStringLiteral("owned_by"), QStringLiteral("ragdesk")}});
    return compact({{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}}) + '\n';
}

} // namespace rag::serve
