// Rerank replies for every reranker wire format of docs/providers.md ("Rerankers"), plus the shared
// request helpers.
#include "providers/sim/sim_reply.h"

#include "providers/sim/sim_text.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace rag::sim {

namespace {

// TEI's default --max-client-batch-size; larger batches get 413, as a real TEI answers.
constexpr int kTeiMaxBatch = 32;

struct RerankCall {
    QString query;
    QStringList documents;
    std::optional<int> top;
    bool returnDocuments = false;
    bool rawScores = false; // TEI: unbounded logits instead of sigmoid scores
    QString model;
};

struct Scored {
    int index;
    double score;
};

bool isTrue(const QJsonValue &value)
{
    return value.toBool(false) || value.toString() == u"true";
}

// Reads the fields the format puts where it puts them; an empty message means the body is fine.
QString readCall(WireFormat format, const QJsonObject &request, RerankCall &call)
{
    QJsonValue query = request.value(QStringLiteral("query"));
    QJsonValue documents = request.value(QStringLiteral("documents"));
    QString topKey = QStringLiteral("top_n");
    QJsonObject topHolder = request;
    switch (format) {
    case WireFormat::NvidiaRerank:
        query = query.toObject().value(QStringLiteral("text"));
        documents = request.value(QStringLiteral("passages"));
        if (!documents.isArray())
            return QStringLiteral("\"passages\" must be an array of {\"text\"} objects");
        break;
    case WireFormat::TeiRerank:
        documents = request.value(QStringLiteral("texts"));
        call.rawScores = request.value(QStringLiteral("raw_scores")).toBool(false);
        break;
    case WireFormat::DashScopeRerank: {
        const QJsonObject input = request.value(QStringLiteral("input")).toObject();
        if (input.isEmpty())
            return QStringLiteral("\"input\" must be an object with \"query\" and \"documents\"");
        query = input.value(QStringLiteral("query"));
        documents = input.value(QStringLiteral("documents"));
        topHolder = request.value(QStringLiteral("parameters")).toObject();
        call.returnDocuments = isTrue(topHolder.value(QStringLiteral("return_documents")));
        break;
    }
    case WireFormat::VoyageRerank:
        if (request.contains(QStringLiteral("top_n")))
            return QStringLiteral("unexpected argument \"top_n\": Voyage takes \"top_k\"");
        topKey = QStringLiteral("top_k");
        break;
    case WireFormat::XinferenceRerank:
        // The quirk the Xinference client must reproduce (docs/providers.md, "Rerankers"): string
        // flags, no top_n.
        for (const QString &key : {QStringLiteral("return_documents"), QStringLiteral("return_len")}) {
            if (request.value(key) != QJsonValue(QStringLiteral("true")))
                return QStringLiteral("\"%1\" must be the string \"true\"").arg(key);
        }
        if (request.contains(QStringLiteral("top_n")))
            return QStringLiteral("unexpected \"top_n\": this server returns every document");
        call.returnDocuments = true;
        break;
    default:
        call.returnDocuments = isTrue(request.value(QStringLiteral("return_documents")));
        break;
    }
    if (!query.isString() || query.toString().trimmed().isEmpty())
        return format == WireFormat::NvidiaRerank ? QStringLiteral("\"query.text\" must be a non-empty string")
                                                  : QStringLiteral("\"query\" must be a non-empty string");
    call.query = query.toString();
    const bool objects = format != WireFormat::TeiRerank && format != WireFormat::CohereRerank;
    const std::optional<QStringList> docs = textList(documents, false, objects);
    const QString docsKey = format == WireFormat::NvidiaRerank ? QStringLiteral("passages")
                            : format == WireFormat::TeiRerank  ? QStringLiteral("texts")
                                                               : QStringLiteral("documents");
    if (!docs || docs->isEmpty())
        return QStringLiteral("\"%1\" must be a non-empty array of texts").arg(docsKey);
    call.documents = *docs;
    QString error;
    call.top = positiveInteger(topHolder, topKey, error);
    call.model = request.value(QStringLiteral("model")).toString();
    return error;
}

QList<Scored> rank(const RerankCall &call, bool logits)
{
    const QList<double> relevance = relevances(call.query, call.documents);
    QList<Scored> scored;
    scored.reserve(relevance.size());
    for (qsizetype i = 0; i < relevance.size(); ++i)
        scored.append({int(i), logits ? logitOf(relevance.at(i)) : relevance.at(i)});
    // Stable: equal scores keep the documents' order, as a deterministic model would.
    std::stable_sort(scored.begin(), scored.end(), [](const Scored &a, const Scored &b) { return a.score > b.score; });
    if (call.top && *call.top < scored.size())
        scored.resize(*call.top);
    return scored;
}

int usageTokens(const RerankCall &call)
{
    int tokens = countTokens(call.query);
    for (const QString &doc : call.documents)
        tokens += documentTokens(doc);
    return tokens;
}

QJsonArray results(const RerankCall &call, const QList<Scored> &scored, const QString &scoreKey,
                   bool withDocuments)
{
    QJsonArray out;
    for (const Scored &s : scored) {
        QJsonObject item{{QStringLiteral("index"), s.index}, {scoreKey, s.score}};
        if (withDocuments)
            item.insert(QStringLiteral("document"), QJsonObject{{QStringLiteral("text"), call.documents.at(s.index)}});
        out.append(item);
    }
    return out;
}

QByteArray replyBody(WireFormat format, const RerankCall &call)
{
    const QString relevanceScore = QStringLiteral("relevance_score");
    const int tokens = usageTokens(call);
    switch (format) {
    case WireFormat::CohereRerank:
        return compactJson({
            {QStringLiteral("id"), QStringLiteral("sim-rerank")},
            {QStringLiteral("results"), results(call, rank(call, false), relevanceScore, false)},
            {QStringLiteral("meta"),
             QJsonObject{{QStringLiteral("api_version"), QJsonObject{{QStringLiteral("version"), QStringLiteral("2")}}},
                         {QStringLiteral("billed_units"),
                          QJsonObject{{QStringLiteral("search_units"), 1}, {QStringLiteral("input_tokens"), tokens}}},
                         {QStringLiteral("tokens"), QJsonObject{{QStringLiteral("input_tokens"), tokens},
                                                                {QStringLiteral("output_tokens"), 0}}}}},
        });
    case WireFormat::VoyageRerank:
        return compactJson({
            {QStringLiteral("object"), QStringLiteral("list")},
            {QStringLiteral("data"), results(call, rank(call, false), relevanceScore, call.returnDocuments)},
            {QStringLiteral("model"), call.model},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("total_tokens"), tokens}}},
        });
    case WireFormat::XinferenceRerank:
        return compactJson({
            {QStringLiteral("id"), QStringLiteral("sim-rerank")},
            {QStringLiteral("results"), results(call, rank(call, false), relevanceScore, true)},
            {QStringLiteral("meta"), QJsonObject{{QStringLiteral("api_version"), QJsonValue::Null},
                                                 {QStringLiteral("billed_units"), QJsonValue::Null},
                                                 {QStringLiteral("tokens"),
                                                  QJsonObject{{QStringLiteral("input_tokens"), tokens},
                                                              {QStringLiteral("output_tokens"), 0}}},
                                                 {QStringLiteral("warnings"), QJsonValue::Null}}},
        });
    case WireFormat::NvidiaRerank:
        return compactJson({{QStringLiteral("rankings"), results(call, rank(call, true), QStringLiteral("logit"), false)}});
    case WireFormat::TeiRerank: {
        QJsonArray out;
        for (const Scored &s : rank(call, call.rawScores))
            out.append(QJsonObject{{QStringLiteral("index"), s.index}, {QStringLiteral("score"), s.score}});
        return QJsonDocument(out).toJson(QJsonDocument::Compact);
    }
    case WireFormat::DashScopeRerank:
        return compactJson({
            {QStringLiteral("output"),
             QJsonObject{{QStringLiteral("results"), results(call, rank(call, false), relevanceScore, call.returnDocuments)}}},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("total_tokens"), tokens}}},
            {QStringLiteral("request_id"), QStringLiteral("sim-rerank")},
        });
    default: // Jina family and OpenAI-compatible /rerank
        return compactJson({
            {QStringLiteral("model"), call.model},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("total_tokens"), tokens}}},
            {QStringLiteral("results"), results(call, rank(call, false), relevanceScore, call.returnDocuments)},
        });
    }
}

} // namespace

SimReply errorReply(ErrorStyle style, int status, const QString &message)
{
    SimReply reply;
    reply.status = status;
    reply.body = errorBody(style, status, message);
    return reply;
}

std::optional<QStringList> textList(const QJsonValue &value, bool allowSingle, bool allowObjects)
{
    if (value.isString() && allowSingle)
        return QStringList{value.toString()};
    if (!value.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue &item : value.toArray()) {
        if (item.isString())
            out.append(item.toString());
        else if (allowObjects && item.isObject() && item.toObject().value(QStringLiteral("text")).isString())
            out.append(item.toObject().value(QStringLiteral("text")).toString());
        else
            return std::nullopt;
    }
    return out;
}

std::optional<int> positiveInteger(const QJsonObject &object, const QString &key, QString &error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const double v = value.toDouble(0);
    if (!value.isDouble() || v < 1 || v != std::floor(v) || v > 1e9) {
        error = QStringLiteral("\"%1\" must be a whole number >= 1").arg(key);
        return std::nullopt;
    }
    return int(v);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

SimReply buildRerankReply(const SimRoute &route, const QJsonObject &request)
{
    RerankCall call;
    const QString problem = readCall(route.format, request, call);
    if (!problem.isEmpty()) {
        SimReply bad = errorReply(route.errorStyle, 400, problem);
        bad.badRequest = true;
        return bad;
    }
    if (route.format == WireFormat::TeiRerank && call.documents.size() > kTeiMaxBatch) {
        SimReply tooMany = errorReply(route.errorStyle, 413,
                                      QStringLiteral("batch size %1 > maximum allowed batch size %2")
                                          .arg(call.documents.size())
                                          .arg(kTeiMaxBatch));
        tooMany.badRequest = true;
        return tooMany;
    }
    SimReply reply;
    reply.body = replyBody(route.format, call);
    return reply;
}

} // namespace rag::sim
