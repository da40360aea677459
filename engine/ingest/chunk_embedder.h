// What ingestion needs of an embedding provider (docs/providers.md, "Embeddings"): chunk texts in,
// vectors out, asynchronously. The providers live above this module; the implementation that
// reaches them is api/provider_calls.h. The ingest job calls it from its own thread, keeps a
// bounded number of documents in flight and waits on the futures there.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"

#include <QFuture>
#include <QStringList>

#include <functional>
#include <vector>

namespace rag::ingest {

using Vectors = std::vector<std::vector<float>>;

class ChunkEmbedder {
public:
    virtual ~ChunkEmbedder() = default;

    virtual QString name() const = 0;
    // Thread-safe. One vector per text, in order, all of one dimension; the future may finish on
    // any thread. Batching, calls in flight and retries are the provider's (HttpEmbedder).
    virtual QFuture<Result<Vectors>> embed(const QStringList &texts, CancelTokenPtr cancel) = 0;
};

// A provider's vectors for `count` texts, checked (one each, `dimension` numbers, not zero), made
// unit length and packed for the store. `wrongDimension` says what is wrong with a vector of
// another dimension, given the one it has.
Result<QList<QByteArray>> packProviderVectors(const QString &embedder, const Vectors &vectors, qsizetype count,
                                              int dimension, const std::function<QString(int)> &wrongDimension);

} // namespace rag::ingest
