#include "ingest/chunk_embedder.h"

#include "index/builtin_embedder.h"

namespace rag::ingest {

Result<QList<QByteArray>> packProviderVectors(const QString &embedder, const Vectors &vectors, qsizetype count,
                                              int dimension, const std::function<QString(int)> &wrongDimension)
{
    if (vectors.size() != size_t(count))
        return fail(QStringLiteral("embedder '%1' gave %2 vectors for %3 texts").arg(embedder).arg(vectors.size()).arg(count));
    QList<QByteArray> packed;
    packed.reserve(count);
    for (size_t i = 0; i < vectors.size(); ++i) {
        std::vector<float> vector = vectors[i];
        if (int(vector.size()) != dimension)
            return fail(wrongDimension(int(vector.size())));
        if (!index::normalizeVector(vector))
            return fail(QStringLiteral("embedder '%1' gave text %2 a vector of zeros").arg(embedder).arg(i + 1));
        packed.append(index::packVector(vector));
    }
    return packed;
}

} // namespace rag::ingest
