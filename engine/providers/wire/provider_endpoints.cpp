#include "providers/wire/provider_endpoints.h"

#include <QStringList>

namespace rag::providers {

namespace {

// The configured base, or the default when empty, without trailing slashes (so that appending
// "/rerank" never produces "//").
QString effectiveBase(ProviderKind kind, const QString &baseUrl)
{
    QString base = baseUrl.trimmed();
    if (base.isEmpty())
        base = defaultBaseUrl(kind);
    while (base.endsWith(u'/') && !base.endsWith(u"://"))
        base.chop(1);
    return base;
}

// Appends `endpoint` ("/v2/rerank") to `base`. When the base already ends with the endpoint it is
// used as it is; when it ends with the endpoint's leading segments ("/v2"), only the rest is
// appended. Users paste bases both ways; the second case is what keeps ".../v2" from becoming
// ".../v2/v2/rerank".
QString appendEndpoint(const QString &base, const QString &endpoint)
{
    const QStringList segments = endpoint.split(u'/', Qt::SkipEmptyParts);
    for (qsizetype k = segments.size(); k > 0; --k) {
        const QString head = u'/' + segments.first(k).join(u'/');
        if (base.endsWith(head, Qt::CaseInsensitive)) {
            const QStringList rest = segments.sliced(k);
            return rest.isEmpty() ? base : base + u'/' + rest.join(u'/');
        }
    }
    return base + endpoint;
}

// Where a path segment "/v1" starts in `base` (followed by '/' or the end), or -1.
qsizetype v1Segment(const QString &base)
{
    const QUrl url(base);
    const qsizetype pathStart = url.isValid() && !url.host().isEmpty()
                                    ? base.indexOf(u'/', base.indexOf(u"//") + 2)
                                    : 0;
    if (pathStart < 0)
        return -1;
    for (qsizetype at = base.indexOf(u"/v1", pathStart); at >= 0; at = base.indexOf(u"/v1", at + 1)) {
        const qsizetype after = at + 3;
        if (after == base.size() || base.at(after) == u'/' || base.at(after) == u'?')
            return at;
    }
    return -1;
}

// "Host root" for LocalAI and Xinference (RAGFlow urljoin()s an absolute path, which drops the
// whole path). We drop only the "/v1" segment and what follows, so that the vendor form
// ("http://localhost:9997/v1") and the bare server ("http://localhost:9997") both give the server
// root, while a server behind a reverse-proxy prefix ("http://host/xinference", as the simulator
// serves it) keeps its prefix and stays reachable.
QString hostRoot(const QString &base)
{
    const qsizetype at = v1Segment(base);
    return at < 0 ? base : base.left(at);
}

// LocalAI, Xinference and GPUStack are configured with the server root (their rerank routes
// hang off it); their OpenAI-compatible API lives under /v1, as RAGFlow adds it too.
QString openAiApiBase(ProviderKind kind, const QString &base)
{
    switch (kind) {
    case ProviderKind::LocalAi:
    case ProviderKind::Xinference:
    case ProviderKind::GpuStack:
        return appendEndpoint(base, QStringLiteral("/v1"));
    default:
        return base;
    }
}

} // namespace

QString defaultBaseUrl(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::Jina:
        return QStringLiteral("https://api.jina.ai/v1");
    case ProviderKind::Novita:
        return QStringLiteral("https://api.novita.ai/v3/openai");
    case ProviderKind::Gitee:
        return QStringLiteral("https://ai.gitee.com/v1");
    case ProviderKind::Jiekou:
        return QStringLiteral("https://api.jiekou.ai/openai/v1");
    case ProviderKind::OpenAiCompatible:
        return QStringLiteral("https://api.openai.com/v1");
    case ProviderKind::LocalAi:
        return QStringLiteral("http://localhost:8080");
    case ProviderKind::Xinference:
        return QStringLiteral("http://localhost:9997");
    case ProviderKind::GpuStack:
        return QStringLiteral("http://localhost");
    case ProviderKind::SiliconFlow:
        return QStringLiteral("https://api.siliconflow.cn/v1");
    case ProviderKind::Nvidia:
        return QStringLiteral("https://ai.api.nvidia.com/v1/retrieval/nvidia/");
    case ProviderKind::Cohere:
        return QStringLiteral("https://api.cohere.com");
    case ProviderKind::Voyage:
        return QStringLiteral("https://api.voyageai.com/v1");
    case ProviderKind::DashScope:
        return QStringLiteral("https://dashscope.aliyuncs.com");
    case ProviderKind::Tei:
        return QStringLiteral("http://localhost:8080");
    case ProviderKind::Ollama:
        return QStringLiteral("http://localhost:11434");
    case ProviderKind::Builtin:
        return {};
    }
    return {};
}

QUrl rerankUrl(ProviderKind kind, const QString &baseUrl, const QString &model)
{
    if (!kindServes(kind, Capability::Rerank) || kind == ProviderKind::Builtin)
        return {};
    const QString base = effectiveBase(kind, baseUrl);
    const QString rerank = QStringLiteral("/rerank");
    switch (kind) {
    case ProviderKind::LocalAi:
        return QUrl(base.contains(rerank) ? base : hostRoot(base) + rerank);
    case ProviderKind::Xinference:
        if (base.contains(rerank) && v1Segment(base) >= 0)
            return QUrl(base);
        return QUrl(hostRoot(base) + QStringLiteral("/v1/rerank"));
    case ProviderKind::GpuStack:
        return QUrl(appendEndpoint(base, QStringLiteral("/v1/rerank")));
    case ProviderKind::Cohere:
        return QUrl(appendEndpoint(base, QStringLiteral("/v2/rerank")));
    case ProviderKind::DashScope:
        return QUrl(appendEndpoint(base, QStringLiteral("/api/v1/services/rerank/text-rerank/text-rerank")));
    case ProviderKind::Nvidia: {
        // NVIDIA's base is a directory ending in '/': the path is relative to it.
        const QString reranking = QStringLiteral("/reranking");
        if (base.endsWith(reranking))
            return QUrl(base);
        const bool mistral = model == u"nvidia/nv-rerankqa-mistral-4b-v3";
        return QUrl(base + (mistral ? QStringLiteral("/nv-rerankqa-mistral-4b-v3") : QString()) + reranking);
    }
    default: // Jina family, OpenAI-compatible, SiliconFlow, Voyage, TEI: <base>/rerank
        return QUrl(appendEndpoint(base, rerank));
    }
}

QUrl embeddingsUrl(ProviderKind kind, const QString &baseUrl)
{
    if (!kindServes(kind, Capability::Embeddings) || kind == ProviderKind::Builtin)
        return {};
    const QString base = effectiveBase(kind, baseUrl);
    if (kind == ProviderKind::Ollama)
        return QUrl(appendEndpoint(base, QStringLiteral("/api/embed")));
    if (kind == ProviderKind::Tei)
        return QUrl(appendEndpoint(base, QStringLiteral("/embed")));
    return QUrl(appendEndpoint(openAiApiBase(kind, base), QStringLiteral("/embeddings")));
}

QUrl chatUrl(ProviderKind kind, const QString &baseUrl)
{
    if (!kindServes(kind, Capability::Chat) || kind == ProviderKind::Builtin)
        return {};
    const QString base = effectiveBase(kind, baseUrl);
    if (kind == ProviderKind::Ollama)
        return QUrl(appendEndpoint(base, QStringLiteral("/api/chat")));
    return QUrl(appendEndpoint(openAiApiBase(kind, base), QStringLiteral("/chat/completions")));
}

QString wireModelName(ProviderKind kind, const QString &model)
{
    if (kind == ProviderKind::LocalAi) {
        const qsizetype cut = model.indexOf(QStringLiteral("___"));
        if (cut >= 0)
            return model.left(cut);
    }
    return model;
}

} // namespace rag::providers
