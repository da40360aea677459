// The provider kinds ragdesk speaks (docs/providers.md, "What each kind speaks") and what each can
// serve. A kind fixes the wire format and URL rules; a configured provider adds base URL, model,
// key and limits.
#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace rag::providers {

enum class ProviderKind {
    Jina,
    Novita,
    Gitee,
    Jiekou,
    OpenAiCompatible,
    LocalAi,
    Xinference,
    GpuStack,
    SiliconFlow,
    Nvidia,
    Cohere,
    Voyage,
    DashScope,
    Tei,
    Ollama,
    Builtin,
};

enum class Capability { Rerank, Embeddings, Chat };

// The command-line name (`--kind`): jina, novita, gitee, jiekou, openai-compatible, localai,
// xinference, gpustack, siliconflow, nvidia, cohere, voyage, dashscope, tei, ollama, builtin.
QString kindName(ProviderKind kind);
std::optional<ProviderKind> kindFromName(QStringView name);
QStringList allKindNames();

bool kindServes(ProviderKind kind, Capability capability);
QString capabilityName(Capability capability);

} // namespace rag::providers
