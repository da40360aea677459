// The built-in embedder (hashed word and character n-grams, offline) as a provider: vectors are
// computed on the CPU pool and awaited from the engine thread.
#pragma once

#include "providers/embed/embedder.h"

class QThreadPool;

namespace rag::providers {

class LocalEmbedder : public Embedder {
public:
    explicit LocalEmbedder(QThreadPool *cpuPool);

    QString name() const override;
    QCoro::Task<Result<EmbedResult>> embed(EmbedRequest request) override;
    Result<EmbedResult> embedBlocking(const EmbedRequest &request) override;

private:
    QThreadPool *m_pool;
};

} // namespace rag::providers
