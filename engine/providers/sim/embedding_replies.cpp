// Embedding replies: OpenAI-compatible data[], TEI's bare array of arrays, Ollama's embeddings[].
#include "providers/sim/sim_reply.h"

#include "providers/sim/sim_text.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace rag::sim {

namespace {

constexpr int kTeiMaxBatch = 32;   // TEI's default --max-client-batch-size
constexpr int kMaxInputs = 2048;   // OpenAI's limit on inputs per call

QJsonArray vectorJson(const QString &text, int dimensions)
{
    QJsonArray out;
    for (double v : embed(text, dimensions))
        out.append(v);
    return out;
}

SimReply refuse(const SimRoute &route, int status, const QString &message)
{
    SimReply reply = errorReply(route.errorStyle, status, message);
    reply.badRequest = true;
    return reply;
}

} // namespace

SimReply buildEmbeddingReply(const SimRoute &route, const QJsonObject &request)
{
    const QString inputKey = route.format == WireFormat::TeiEmbed ? QStringLiteral("inputs") : QStringLiteral("input");
    const std::optional<QStringList> inputs = textList(request.value(inputKey), true, false);
    if (!inputs || inputs->isEmpty())
        return refuse(route, 400, QStringLiteral("\"%1\" must be a string or a non-empty array of strings").arg(inputKey));
    const int limit = route.format == WireFormat::TeiEmbed ? kTeiMaxBatch : kMaxInputs;
    if (inputs->size() > limit) {
        return refuse(route, route.format == WireFormat::TeiEmbed ? 413 : 400,
                      QStringLiteral("batch size %1 > maximum allowed batch size %2").arg(inputs->size()).arg(limit));
    }
    const QString model = request.value(QStringLiteral("model")).toString();
    int tokens = 0;
    for (const QString &text : *inputs)
        tokens += countTokens(text);

    SimReply reply;
    switch (route.format) {
    case WireFormat::OpenAiEmbed: {
        QString error;
        const int dimensions = positiveInteger(request, QStringLiteral("dimensions"), error).value_or(kEmbeddingDimensions);
        if (!error.isEmpty() || dimensions > 4096)
            return refuse(route, 400, QStringLiteral("\"dimensions\" must be a whole number from 1 to 4096"));
        const QJsonValue encoding = request.value(QStringLiteral("encoding_format"));
        if (!encoding.isUndefined() && encoding != QJsonValue(QStringLiteral("float")))
            return refuse(route, 400, QStringLiteral("the simulator only serves \"encoding_format\": \"float\""));
        QJsonArray data;
        for (qsizetype i = 0; i < inputs->size(); ++i) {
            data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                    {QStringLiteral("index"), int(i)},
                                    {QStringLiteral("embedding"), vectorJson(inputs->at(i), dimensions)}});
        }
        reply.body = compactJson({
            {QStringLiteral("object"), QStringLiteral("list")},
            {QStringLiteral("data"), data},
            {QStringLiteral("model"), model},
            {QStringLiteral("usage"),
             QJsonObject{{QStringLiteral("prompt_tokens"), tokens}, {QStringLiteral("total_tokens"), tokens}}},
        });
        break;
    }
    case WireFormat::TeiEmbed: {
        QJsonArray vectors;
        for (const QString &text : *inputs)
            vectors.append(vectorJson(text, kEmbeddingDimensions));
        reply.body = QJsonDocument(vectors).toJson(QJsonDocument::Compact);
        break;
    }
    default: { // Ollama
        QJsonArray vectors;
        for (const QString &text : *inputs)
            vectors.append(vectorJson(text, kEmbeddingDimensions));
        reply.body = compactJson({
            {QStringLiteral("model"), model},
            {QStringLiteral("embeddings"), vectors},
            {QStringLiteral("total_duration"), 1'000'000},
            {QStringLiteral("load_duration"), 0},
            {QStringLiteral("prompt_eval_count"), tokens},
        });
        break;
    }
    }
    return reply;
}

} // namespace rag::sim
