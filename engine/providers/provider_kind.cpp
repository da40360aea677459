#include "providers/provider_kind.h"

#include <array>
#include <utility>

namespace rag::providers {

namespace {

struct KindInfo {
    ProviderKind kind;
    const char *name;
    bool rerank;
    bool embeddings;
    bool chat;
};

// Which endpoints a kind has follows the vendors' APIs: the Jina family, OpenAI-compatible
// servers and TEI embed as well as rerank; chat is OpenAI-compatible or Ollama's own format.
constexpr std::array kKinds = {
    KindInfo{ProviderKind::Jina, "jina", true, true, false},
    KindInfo{ProviderKind::Novita, "novita", true, true, true},
    KindInfo{ProviderKind::Gitee, "gitee", true, true, true},
    KindInfo{ProviderKind::Jiekou, "jiekou", true, true, true},
    KindInfo{ProviderKind::OpenAiCompatible, "openai-compatible", true, true, true},
    KindInfo{ProviderKind::LocalAi, "localai", true, true, true},
    KindInfo{ProviderKind::Xinference, "xinference", true, true, true},
    KindInfo{ProviderKind::GpuStack, "gpustack", true, true, true},
    KindInfo{ProviderKind::SiliconFlow, "siliconflow", true, true, true},
    KindInfo{ProviderKind::Nvidia, "nvidia", true, false, false},
    KindInfo{ProviderKind::Cohere, "cohere", true, false, false},
    KindInfo{ProviderKind::Voyage, "voyage", true, false, false},
    KindInfo{ProviderKind::DashScope, "dashscope", true, false, false},
    KindInfo{ProviderKind::Tei, "tei", true, true, false},
    KindInfo{ProviderKind::Ollama, "ollama", false, true, true},
    KindInfo{ProviderKind::Builtin, "builtin", true, true, true},
};

const KindInfo &info(ProviderKind kind)
{
    for (const KindInfo &k : kKinds) {
        if (k.kind == kind)
            return k;
    }
    return kKinds.back();
}

} // namespace

QString kindName(ProviderKind kind)
{
    return QString::fromLatin1(info(kind).name);
}

std::optional<ProviderKind> kindFromName(QStringView name)
{
    for (const KindInfo &k : kKinds) {
        if (name.compare(QLatin1String(k.name), Qt::CaseInsensitive) == 0)
            return k.kind;
    }
    return std::nullopt;
}

QStringList allKindNames()
{
    QStringList names;
    for (const KindInfo &k : kKinds)
        names.append(QString::fromLatin1(k.name));
    return names;
}

bool kindServes(ProviderKind kind, Capability capability)
{
    const KindInfo &k = info(kind);
    switch (capability) {
    case Capability::Rerank:
        return k.rerank;
    case Capability::Embeddings:
        return k.embeddings;
    case Capability::Chat:
        return k.chat;
    }
    return false;
}

QString capabilityName(Capability capability)
{
    switch (capability) {
    case Capability::Rerank:
        return QStringLiteral("rerank");
    case Capability::Embeddings:
        return QStringLiteral("embeddings");
    case Capability::Chat:
        return QStringLiteral("chat");
    }
    return {};
}

} // namespace rag::providers
