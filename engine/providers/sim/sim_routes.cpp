#include "providers/sim/sim_routes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rag::sim {

namespace {

QString formatName(WireFormat format)
{
    switch (format) {
    case WireFormat::JinaRerank: return QStringLiteral("jina-rerank");
    case WireFormat::CohereRerank: return QStringLiteral("cohere-rerank");
    case WireFormat::VoyageRerank: return QStringLiteral("voyage-rerank");
    case WireFormat::XinferenceRerank: return QStringLiteral("xinference-rerank");
    case WireFormat::NvidiaRerank: return QStringLiteral("nvidia-rerank");
    case WireFormat::TeiRerank: return QStringLiteral("tei-rerank");
    case WireFormat::DashScopeRerank: return QStringLiteral("dashscope-rerank");
    case WireFormat::OpenAiEmbed: return QStringLiteral("openai-embeddings");
    case WireFormat::TeiEmbed: return QStringLiteral("tei-embed");
    case WireFormat::OllamaEmbed: return QStringLiteral("ollama-embed");
    case WireFormat::OpenAiChat: return QStringLiteral("openai-chat");
    case WireFormat::OllamaChat: return QStringLiteral("ollama-chat");
    }
    return {};
}

QString openAiErrorType(int status)
{
    if (status == 401)
        return QStringLiteral("authentication_error");
    if (status == 404)
        return QStringLiteral("not_found_error");
    if (status == 429)
        return QStringLiteral("rate_limit_error");
    if (status >= 500)
        return QStringLiteral("server_error");
    return QStringLiteral("invalid_request_error");
}

} // namespace

const QList<SimRoute> &simRoutes()
{
    // The Jina route stands in for every Jina-family vendor: they share request and reply shape
    // (SiliconFlow's extra fields are accepted and ignored), so one route tests all their clients.
    static const QList<SimRoute> routes{
        {"/jina/v1/rerank", WireFormat::JinaRerank, "rerank", ErrorStyle::OpenAi,
         {"jina", "siliconflow", "gitee", "novita", "jiekou", "localai", "gpustack"}},
        {"/cohere/v2/rerank", WireFormat::CohereRerank, "rerank", ErrorStyle::Cohere, {"cohere"}},
        {"/voyage/v1/rerank", WireFormat::VoyageRerank, "rerank", ErrorStyle::OpenAi, {"voyage"}},
        {"/xinference/v1/rerank", WireFormat::XinferenceRerank, "rerank", ErrorStyle::OpenAi, {"xinference"}},
        {"/nvidia/v1/retrieval/nvidia/reranking", WireFormat::NvidiaRerank, "rerank", ErrorStyle::OpenAi, {"nvidia"}},
        {"/nvidia/v1/retrieval/nvidia/nv-rerankqa-mistral-4b-v3/reranking", WireFormat::NvidiaRerank, "rerank",
         ErrorStyle::OpenAi, {"nvidia"}},
        {"/tei/rerank", WireFormat::TeiRerank, "rerank", ErrorStyle::Tei, {"tei"}},
        {"/tei/embed", WireFormat::TeiEmbed, "embed", ErrorStyle::Tei, {"tei"}},
        {"/dashscope/api/v1/services/rerank/text-rerank/text-rerank", WireFormat::DashScopeRerank, "rerank",
         ErrorStyle::DashScope, {"dashscope"}},
        {"/openai/v1/rerank", WireFormat::JinaRerank, "rerank", ErrorStyle::OpenAi, {"openai-compatible"}},
        {"/openai/v1/embeddings", WireFormat::OpenAiEmbed, "embed", ErrorStyle::OpenAi,
         {"openai-compatible", "jina", "siliconflow", "gitee", "novita", "jiekou", "localai", "xinference", "gpustack"}},
        {"/openai/v1/chat/completions", WireFormat::OpenAiChat, "chat", ErrorStyle::OpenAi,
         {"openai-compatible", "siliconflow", "localai", "xinference", "gpustack", "novita", "gitee", "jiekou"}},
        {"/ollama/api/embed", WireFormat::OllamaEmbed, "embed", ErrorStyle::Ollama, {"ollama"}},
        {"/ollama/api/chat", WireFormat::OllamaChat, "chat", ErrorStyle::Ollama, {"ollama"}},
    };
    return routes;
}

const SimRoute *findSimRoute(const QByteArray &path)
{
    // Clients that join a base ending in '/' with an endpoint may send a trailing slash.
    const QByteArray normal = path.size() > 1 && path.endsWith('/') ? path.chopped(1) : path;
    for (const SimRoute &route : simRoutes()) {
        if (route.path == normal)
            return &route;
    }
    return nullptr;
}

QByteArray errorBody(ErrorStyle style, int status, const QString &message)
{
    QJsonObject body;
    switch (style) {
    case ErrorStyle::OpenAi:
        body.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                         {QStringLiteral("type"), openAiErrorType(status)},
                                                         {QStringLiteral("code"), status}});
        break;
    case ErrorStyle::Cohere:
        body.insert(QStringLiteral("message"), message);
        break;
    case ErrorStyle::Ollama:
        body.insert(QStringLiteral("error"), message);
        break;
    case ErrorStyle::Tei:
        body.insert(QStringLiteral("error"), message);
        body.insert(QStringLiteral("error_type"), status == 413 || status == 422 || status == 400
                                                      ? QStringLiteral("Validation")
                                                      : status == 429 ? QStringLiteral("Overloaded")
                                                                      : QStringLiteral("Backend"));
        break;
    case ErrorStyle::DashScope:
        body.insert(QStringLiteral("code"), status == 400 ? QStringLiteral("InvalidParameter")
                                            : status == 429 ? QStringLiteral("Throttling")
                                                            : QStringLiteral("InternalError"));
        body.insert(QStringLiteral("message"), message);
        body.insert(QStringLiteral("request_id"), QStringLiteral("sim-request"));
        break;
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray routeListJson()
{
    QJsonArray list;
    for (const SimRoute &route : simRoutes()) {
        list.append(QJsonObject{
            {QStringLiteral("path"), QString::fromLatin1(route.path)},
            {QStringLiteral("method"), QStringLiteral("POST")},
            {QStringLiteral("group"), QString::fromLatin1(route.group)},
            {QStringLiteral("format"), formatName(route.format)},
            {QStringLiteral("serves"), QJsonArray::fromStringList(route.serves)},
        });
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("routes"), list}}).toJson(QJsonDocument::Compact);
}

} // namespace rag::sim
