#include "providers/wire/embedding_wire.h"

#include "providers/wire/chat_wire.h"
#include "providers/wire/json_util.h"
#include "providers/wire/provider_endpoints.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

namespace rag::providers {

namespace {

using Vectors = std::vector<std::vector<float>>;

// One embedding: a non-empty array of finite numbers. `dims` is the dimension of the vectors so
// far (0 before the first) and must match: a ragged reply cannot go into one index.
Result<std::vector<float>> readVector(const QJsonValue &value, const QString &where, qsizetype dims)
{
    if (!value.isArray())
        return fail(where + QStringLiteral(" is not an array of numbers"));
    const QJsonArray array = value.toArray();
    if (array.isEmpty())
        return fail(where + QStringLiteral(" is empty"));
    if (dims > 0 && array.size() != dims) {
        return fail(QStringLiteral("%1 has %2 dimensions, the ones before it %3")
                        .arg(where).arg(array.size()).arg(dims));
    }
    std::vector<float> vector;
    vector.reserve(size_t(array.size()));
    for (qsizetype i = 0; i < array.size(); ++i) {
        const auto number = wire::finiteNumber(array.at(i));
        if (!number)
            return fail(QStringLiteral("%1 has a non-number at position %2").arg(where).arg(i));
        // Vectors are stored as floats: a larger number would become infinite in the index.
        if (std::fabs(*number) > double(std::numeric_limits<float>::max()))
            return fail(QStringLiteral("%1 has a number out of a float's range at position %2").arg(where).arg(i));
        vector.push_back(float(*number));
    }
    return vector;
}

Result<Vectors> readVectorList(const QJsonArray &array, const QString &what)
{
    Vectors out;
    out.reserve(size_t(array.size()));
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto vector = readVector(array.at(i), QStringLiteral("%1: embedding %2").arg(what).arg(i),
                                 out.empty() ? 0 : qsizetype(out.front().size()));
        if (!vector)
            return fail(vector.error());
        out.push_back(std::move(vector).value());
    }
    return out;
}

// OpenAI's data[] carries an index per item and the spec does not promise order: place each by
// its index (position when a server leaves index out), every slot exactly once.
Result<Vectors> readOpenAiData(const QJsonArray &data, const QString &what, int expectedCount)
{
    if (data.size() != expectedCount) {
        return fail(QStringLiteral("%1 has %2 embeddings for %3 inputs").arg(what).arg(data.size()).arg(expectedCount));
    }
    Vectors out(size_t(data.size()));
    qsizetype dims = 0;
    for (qsizetype i = 0; i < data.size(); ++i) {
        const QString where = QStringLiteral("%1: data[%2]").arg(what).arg(i);
        if (!data.at(i).isObject())
            return fail(where + QStringLiteral(" is not an object"));
        const QJsonObject item = data.at(i).toObject();
        qint64 index = i;
        if (item.contains(QLatin1String("index"))) {
            const auto given = wire::integerValue(item.value(QLatin1String("index")));
            if (!given || *given < 0 || *given >= data.size())
                return fail(where + QStringLiteral(" has an index outside [0, %1)").arg(data.size()));
            index = *given;
        }
        if (!out[size_t(index)].empty())
            return fail(QStringLiteral("%1 repeats index %2").arg(where).arg(index));
        auto vector = readVector(item.value(QLatin1String("embedding")), where + QStringLiteral(".embedding"), dims);
        if (!vector)
            return fail(vector.error());
        dims = qsizetype(vector->size());
        out[size_t(index)] = std::move(vector).value();
    }
    return out;
}

// A 200 whose body is an error object (some proxies answer so): keep the server's words.
QString errorSuffix(const QJsonDocument &doc, const QByteArray &body)
{
    return doc.object().contains(QLatin1String("error")) ? QStringLiteral(": ") + providerErrorMessage(body) : QString();
}

} // namespace

WireRequest buildEmbeddingRequest(ProviderKind kind, const QString &baseUrl, const QString &model,
                                  const QStringList &inputs)
{
    WireRequest request;
    request.url = embeddingsUrl(kind, baseUrl);
    QJsonObject body;
    if (kind == ProviderKind::Tei) {
        body.insert(QStringLiteral("inputs"), QJsonArray::fromStringList(inputs));
        body.insert(QStringLiteral("truncate"), true);
    } else {
        body.insert(QStringLiteral("model"), wireModelName(kind, model));
        body.insert(QStringLiteral("input"), QJsonArray::fromStringList(inputs));
    }
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    // Local servers run without keys; see WireRequest::sendAuth.
    request.sendAuth = kind != ProviderKind::Tei && kind != ProviderKind::Xinference && kind != ProviderKind::Ollama;
    return request;
}

Result<std::vector<std::vector<float>>> parseEmbeddingReply(ProviderKind kind, const QByteArray &body,
                                                            int expectedCount)
{
    const QString what = kindName(kind) + QStringLiteral(" embeddings reply");
    auto doc = wire::parseJsonBody(body, what);
    if (!doc)
        return fail(doc.error());

    Result<Vectors> vectors = Vectors{};
    if (kind == ProviderKind::Tei) {
        if (!doc->isArray())
            return fail(what + QStringLiteral(" is not an array of embeddings"));
        vectors = readVectorList(doc->array(), what);
    } else if (kind == ProviderKind::Ollama) {
        const QJsonValue embeddings = doc->object().value(QLatin1String("embeddings"));
        if (!embeddings.isArray())
            return fail(what + QStringLiteral(" has no \"embeddings\" array") + errorSuffix(*doc, body));
        vectors = readVectorList(embeddings.toArray(), what);
    } else {
        const QJsonValue data = doc->object().value(QLatin1String("data"));
        if (!data.isArray())
            return fail(what + QStringLiteral(" has no \"data\" array") + errorSuffix(*doc, body));
        return readOpenAiData(data.toArray(), what, expectedCount);
    }
    if (vectors && int(vectors->size()) != expectedCount) {
        return fail(QStringLiteral("%1 has %2 embeddings for %3 inputs").arg(what).arg(vectors->size()).arg(expectedCount));
    }
    return vectors;
}

} // namespace rag::providers
