#include "chat/question_embedding.h"

#include "index/builtin_embedder.h"
#include "providers/embed/embedder.h"
#include "providers/provider_registry.h"

namespace rag::chat {

QCoro::Task<Result<Workspace::QueryVectors>> embedQuestion(providers::ProviderRegistry *registry, bool blocking,
                                                           QStringList embedders, providers::EmbedRequest request)
{
    Workspace::QueryVectors vectors;
    for (const QString &name : std::as_const(embedders)) {
        Result<providers::EmbedResult> embedded = fail(QString());
        if (blocking) {
            const auto embedder = registry->embedderBlocking(name);
            if (!embedder)
                co_return embedder.failure();
            embedded = (*embedder)->embedBlocking(request);
        } else {
            auto finding = registry->embedder(name);
            const auto embedder = co_await finding;
            if (!embedder)
                co_return embedder.failure();
            auto embedding = (*embedder)->embed(request);
            embedded = co_await embedding;
        }
        if (!embedded)
            co_return failAs(embedded.failure(), QStringLiteral("embedding the question: %1").arg(embedded.error()));
        std::vector<float> vector = embedded->vectors.empty() ? std::vector<float>() : std::move(embedded->vectors.front());
        if (!index::normalizeVector(vector))
            co_return fail(QStringLiteral("embedder '%1' gave the question a vector of zeros").arg(name), ErrorKind::Malformed);
        vectors.insert(name, std::move(vector));
    }
    co_return vectors;
}

} // namespace rag::chat
