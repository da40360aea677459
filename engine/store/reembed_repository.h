// The store side of `kb reembed` (docs/providers.md, "Changing the embedder"): new vectors are
// staged beside the old ones, which keep serving, then swapped in by one transaction. One
// re-embedding of a knowledge base at a time: the swap refuses vectors of two.
#pragma once

#include "core/result.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace rag::store {

struct ChunkToEmbed {
    qint64 id = 0;
    QString title; // its document's
    QString content;
};

struct StagedVector {
    qint64 chunkId = 0;
    QByteArray data; // float32, unit length
};

class ReembedRepository {
public:
    explicit ReembedRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> clear(qint64 kbId); // what an earlier, unfinished run staged
    // The knowledge base's chunks with no staged vector yet, after `afterId`, in id order.
    Result<QList<ChunkToEmbed>> unstaged(qint64 kbId, qint64 afterId, int limit);
    Result<qint64> unstagedCount(qint64 kbId);
    Result<void> stage(qint64 kbId, const QList<StagedVector> &vectors); // one transaction

    // In one transaction: when every chunk has a staged vector, they replace the old vectors, the
    // knowledge base records the new embedder and dimension, and its vector generation goes up.
    // Returns how many chunks still lack a vector (written meanwhile): nothing changed then.
    Result<qint64> swap(qint64 kbId, const QString &embedder, int dimension);

private:
    QSqlDatabase m_db;
};

} // namespace rag::store
