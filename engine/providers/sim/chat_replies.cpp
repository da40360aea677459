// Chat replies: OpenAI-compatible (JSON, or SSE chunks ending in [DONE]) and Ollama (JSON, or
// NDJSON lines ending with done:true). Streams are built as a list of events; the exchange paces them.
#include "providers/sim/sim_reply.h"

#include "providers/sim/sim_text.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace rag::sim {

namespace {

struct ChatCall {
    QString question; // the last user message
    int promptTokens = 0;
    int maxTokens = 0; // 0: no limit from the request
    bool stream = false;
    bool includeUsage = false;
    QString model;
    QList<int> knowledgeIds; // passages numbered "ID: i" in the prompt (RAGFlow's kb_prompt)
};

// Like a model that follows the citation instructions: each sentence of the answer cites one of
// the prompt's passages as [ID:i], cycling through them, so clients' citation handling is tested
// over the wire. The marker rides on the sentence's last word: token counts do not change.
QStringList citePassages(QStringList words, const QList<int> &ids)
{
    if (ids.isEmpty())
        return words;
    qsizetype next = 0;
    for (QString &word : words) {
        if (word.endsWith(u'.'))
            word += QStringLiteral(" [ID:%1]").arg(ids.at(next++ % ids.size()));
    }
    return words;
}

// OpenAI content is a string or an array of parts ({"type": "text", "text"}); null for
// assistant messages that only call tools.
std::optional<QString> messageText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    if (content.isNull())
        return QString();
    if (!content.isArray())
        return std::nullopt;
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonValue piece = part.toObject().value(QStringLiteral("text"));
        if (piece.isString())
            text += piece.toString();
    }
    return text;
}

QString readCall(WireFormat format, const QJsonObject &request, ChatCall &call)
{
    const QJsonValue messages = request.value(QStringLiteral("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty())
        return QStringLiteral("\"messages\" must be a non-empty array");
    QString lastText;
    for (const QJsonValue &value : messages.toArray()) {
        const QJsonObject message = value.toObject();
        const std::optional<QString> text = messageText(message.value(QStringLiteral("content")));
        if (!value.isObject() || !message.value(QStringLiteral("role")).isString() || !text)
            return QStringLiteral("every message needs a string \"role\" and a \"content\"");
        call.promptTokens += countTokens(*text);
        static const QRegularExpression passage(QStringLiteral("^ID: (\\d+)$"), QRegularExpression::MultilineOption);
        for (auto it = passage.globalMatch(*text); it.hasNext();)
            call.knowledgeIds.append(it.next().captured(1).toInt());
        lastText = *text;
        if (message.value(QStringLiteral("role")).toString() == u"user")
            call.question = *text;
    }
    if (call.question.isEmpty())
        call.question = lastText;
    const QJsonValue stream = request.value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return QStringLiteral("\"stream\" must be a boolean");
    QString error;
    if (format == WireFormat::OllamaChat) {
        call.stream = stream.toBool(true); // Ollama streams unless told not to
        const QJsonValue predict = request.value(QStringLiteral("options")).toObject().value(QStringLiteral("num_predict"));
        if (predict.isDouble() && predict.toDouble() >= 1)
            call.maxTokens = int(std::min(predict.toDouble(), 1e9)); // -1 / -2 mean "no limit"
    } else {
        call.stream = stream.toBool(false);
        call.includeUsage = request.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool(false);
        const QString key = request.contains(QStringLiteral("max_completion_tokens")) ? QStringLiteral("max_completion_tokens")
                                                                                      : QStringLiteral("max_tokens");
        call.maxTokens = positiveInteger(request, key, error).value_or(0);
    }
    call.model = request.value(QStringLiteral("model")).toString();
    return error;
}

// The answer's words grouped per event, each piece carrying the space before it.
QStringList eventPieces(const QStringList &words, int perEvent)
{
    QStringList pieces;
    for (qsizetype i = 0; i < words.size(); i += perEvent) {
        QString piece = words.mid(i, perEvent).join(u' ');
        pieces.append(i == 0 ? piece : u' ' + piece);
    }
    return pieces;
}

QJsonObject openAiChunk(const ChatCall &call, const QJsonObject &delta, const QJsonValue &finishReason)
{
    return {
        {QStringLiteral("id"), QStringLiteral("chatcmpl-sim")},
        {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
        {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
        {QStringLiteral("model"), call.model},
        {QStringLiteral("choices"), QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                           {QStringLiteral("delta"), delta},
                                                           {QStringLiteral("finish_reason"), finishReason}}}},
    };
}

QJsonObject openAiUsage(const ChatCall &call, int completionTokens)
{
    return {{QStringLiteral("prompt_tokens"), call.promptTokens},
            {QStringLiteral("completion_tokens"), completionTokens},
            {QStringLiteral("total_tokens"), call.promptTokens + completionTokens}};
}

SimEvent sse(const QJsonObject &chunk, bool paced = false)
{
    return {"data: " + compactJson(chunk) + "\n\n", paced};
}

void buildOpenAi(const ChatCall &call, const QStringList &words, const QString &finish, const EndpointBehaviour &b,
                 SimReply &reply)
{
    const QString role = QStringLiteral("role"), content = QStringLiteral("content");
    if (!call.stream) {
        reply.body = compactJson({
            {QStringLiteral("id"), QStringLiteral("chatcmpl-sim")},
            {QStringLiteral("object"), QStringLiteral("chat.completion")},
            {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
            {QStringLiteral("model"), call.model},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("message"), QJsonObject{{role, QStringLiteral("assistant")},
                                                                            {content, words.join(u' ')}}},
                                    {QStringLiteral("finish_reason"), finish}}}},
            {QStringLiteral("usage"), openAiUsage(call, int(words.size()))},
        });
        return;
    }
    reply.stream = true;
    reply.contentType = "text/event-stream";
    reply.headers = {{"Cache-Control", "no-cache"}};
    // The role chunk has empty content (not the first token, docs/providers.md, "Chat models"); the
    // first content chunk follows it at once, the others at the token rate.
    reply.events.append(sse(openAiChunk(call, {{role, QStringLiteral("assistant")}, {content, QString()}}, QJsonValue::Null)));
    const QStringList pieces = eventPieces(words, b.tokensPerEvent);
    for (qsizetype i = 0; i < pieces.size(); ++i)
        reply.events.append(sse(openAiChunk(call, {{content, pieces.at(i)}}, QJsonValue::Null), i > 0));
    reply.events.append(sse(openAiChunk(call, {}, finish)));
    if (call.includeUsage) {
        QJsonObject usage = openAiChunk(call, {}, QJsonValue::Null);
        usage.insert(QStringLiteral("choices"), QJsonArray());
        usage.insert(QStringLiteral("usage"), openAiUsage(call, int(words.size())));
        reply.events.append(sse(usage));
    }
    reply.events.append({"data: [DONE]\n\n", false});
}

QJsonObject ollamaLine(const ChatCall &call, const QString &content, bool done)
{
    return {
        {QStringLiteral("model"), call.model},
        {QStringLiteral("created_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("message"),
         QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), content}}},
        {QStringLiteral("done"), done},
    };
}

void buildOllama(const ChatCall &call, const QStringList &words, const QString &finish, const EndpointBehaviour &b,
                 SimReply &reply)
{
    // Durations in nanoseconds, consistent with the profile's token rate.
    const qint64 evalNs = b.tokensPerSecond > 0 ? qint64(double(words.size()) / b.tokensPerSecond * 1e9)
                                                : qint64(words.size()) * 1'000'000;
    const qint64 promptNs = 10'000'000;
    QJsonObject last = ollamaLine(call, call.stream ? QString() : words.join(u' '), true);
    last.insert(QStringLiteral("done_reason"), finish);
    last.insert(QStringLiteral("total_duration"), promptNs + evalNs);
    last.insert(QStringLiteral("load_duration"), 0);
    last.insert(QStringLiteral("prompt_eval_count"), call.promptTokens);
    last.insert(QStringLiteral("prompt_eval_duration"), promptNs);
    last.insert(QStringLiteral("eval_count"), int(words.size()));
    last.insert(QStringLiteral("eval_duration"), evalNs);
    if (!call.stream) {
        reply.body = compactJson(last);
        return;
    }
    reply.stream = true;
    reply.contentType = "application/x-ndjson";
    const QStringList pieces = eventPieces(words, b.tokensPerEvent);
    for (qsizetype i = 0; i < pieces.size(); ++i)
        reply.events.append({compactJson(ollamaLine(call, pieces.at(i), false)) + '\n', i > 0});
    reply.events.append({compactJson(last) + '\n', false});
}

} // namespace

SimReply buildChatReply(const SimRoute &route, const QJsonObject &request, const EndpointBehaviour &behaviour)
{
    ChatCall call;
    const QString problem = readCall(route.format, request, call);
    if (!problem.isEmpty()) {
        SimReply bad = errorReply(route.errorStyle, 400, problem);
        bad.badRequest = true;
        return bad;
    }
    const bool limited = call.maxTokens > 0 && call.maxTokens < behaviour.streamTokens;
    const QStringList words =
        citePassages(answerWords(call.question, limited ? call.maxTokens : behaviour.streamTokens), call.knowledgeIds);
    const QString finish = limited ? QStringLiteral("length") : QStringLiteral("stop");
    SimReply reply;
    if (route.format == WireFormat::OllamaChat)
        buildOllama(call, words, finish, behaviour, reply);
    else
        buildOpenAi(call, words, finish, behaviour, reply);
    return reply;
}

} // namespace rag::sim
