// Parsing rerank replies: every provider's shape down to (index, score) pairs plus token usage.
// Split from rerank_wire.cpp, which builds the requests.
#include "providers/wire/rerank_wire.h"

#include "providers/wire/chat_wire.h"
#include "providers/wire/json_util.h"

#include <QJsonArray>
#include <QSet>

namespace rag::providers {

namespace {

struct ReplyShape {
    QString arrayPath; // dotted path of the results array; empty: the top level is the array
    QString scoreKey;
};

ReplyShape shapeOf(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::Voyage:
        return {QStringLiteral("data"), QStringLiteral("relevance_score")};
    case ProviderKind::DashScope:
        return {QStringLiteral("output.results"), QStringLiteral("relevance_score")};
    case ProviderKind::Nvidia:
        return {QStringLiteral("rankings"), QStringLiteral("logit")};
    case ProviderKind::Tei:
        return {QString(), QStringLiteral("score")};
    default: // Jina family, OpenAI-compatible, LocalAI, GPUStack, SiliconFlow, Cohere, Xinference
        return {QStringLiteral("results"), QStringLiteral("relevance_score")};
    }
}

QJsonValue valueAt(const QJsonObject &root, const QString &dottedPath)
{
    QJsonValue value = root;
    for (const QString &key : dottedPath.split(u'.'))
        value = value.toObject().value(key);
    return value;
}

qint64 sumTokenFields(const QJsonObject &object)
{
    qint64 sum = 0;
    for (const char *key : {"input_tokens", "output_tokens"})
        sum += wire::integerValue(object.value(QLatin1String(key))).value_or(0);
    return sum;
}

// The token count a reply reports, wherever the vendor put it: usage.total_tokens (Jina, Voyage,
// DashScope, SiliconFlow), meta.tokens ({input_tokens, output_tokens} for Xinference, summed),
// meta.billed_units (Cohere: input/output tokens when present). Cohere bills rerank in
// "search_units", which are not tokens: then nothing is recorded and the caller counts locally.
std::optional<qint64> reportedTokens(const QJsonObject &root)
{
    const QJsonValue usage = root.value(QLatin1String("usage"));
    if (auto total = wire::integerValue(usage.toObject().value(QLatin1String("total_tokens"))); total && *total >= 0)
        return total;
    const QJsonObject meta = root.value(QLatin1String("meta")).toObject();
    const QJsonValue tokens = meta.value(QLatin1String("tokens"));
    if (auto plain = wire::integerValue(tokens); plain && *plain >= 0)
        return plain;
    if (tokens.isObject() && sumTokenFields(tokens.toObject()) > 0)
        return sumTokenFields(tokens.toObject());
    const QJsonObject billed = meta.value(QLatin1String("billed_units")).toObject();
    if (sumTokenFields(billed) > 0)
        return sumTokenFields(billed);
    return std::nullopt;
}

bool looksLikeError(const QJsonObject &root)
{
    for (const char *key : {"error", "message", "detail", "code"}) {
        if (root.contains(QLatin1String(key)))
            return true;
    }
    return false;
}

} // namespace

Result<RerankReply> parseRerankReply(ProviderKind kind, const QByteArray &body, int count)
{
    const QString what = kindName(kind) + QStringLiteral(" rerank reply");
    auto doc = wire::parseJsonBody(body, what);
    if (!doc)
        return fail(doc.error());
    const ReplyShape shape = shapeOf(kind);
    const QJsonObject root = doc->object();

    QJsonArray items;
    if (shape.arrayPath.isEmpty()) {
        if (!doc->isArray()) {
            return fail(QStringLiteral("%1 is not a JSON array%2").arg(what,
                        looksLikeError(root) ? QStringLiteral(": ") + providerErrorMessage(body) : QString()));
        }
        items = doc->array();
    } else {
        const QJsonValue array = valueAt(root, shape.arrayPath);
        if (!doc->isObject() || !array.isArray()) {
            // A 200 carrying an error object happens (proxies, DashScope): say what the server said.
            return fail(QStringLiteral("%1 has no \"%2\" array%3").arg(what, shape.arrayPath,
                        looksLikeError(root) ? QStringLiteral(": ") + providerErrorMessage(body) : QString()));
        }
        items = array.toArray();
    }

    RerankReply reply;
    QSet<qint64> seen;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonValue item = items.at(i);
        const QString where = QStringLiteral("%1: result %2").arg(what).arg(i);
        if (!item.isObject())
            return fail(where + QStringLiteral(" is not an object"));
        const QJsonObject object = item.toObject();
        const auto index = wire::integerValue(object.value(QLatin1String("index")));
        if (!index)
            return fail(where + QStringLiteral(" has no integer \"index\""));
        if (*index < 0 || *index >= count)
            return fail(QStringLiteral("%1 has index %2 outside [0, %3)").arg(where).arg(*index).arg(count));
        // A duplicate would silently overwrite a score; a server that sends one is broken.
        if (seen.contains(*index))
            return fail(QStringLiteral("%1 repeats index %2").arg(where).arg(*index));
        seen.insert(*index);
        const auto score = wire::finiteNumber(object.value(shape.scoreKey));
        if (!score)
            return fail(QStringLiteral("%1 has no numeric \"%2\"").arg(where, shape.scoreKey));
        reply.scores.append({int(*index), *score});
    }
    if (doc->isObject())
        reply.totalTokens = reportedTokens(root);
    return reply;
}

} // namespace rag::providers
