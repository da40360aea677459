// Read side of chunks for search: what the derived indexes are built from (term counts, vectors)
// and stamped with, the chunks shown as hits, and FTS5 candidates (the BM25 reference of bench/).
#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QHash>
#include <QSqlDatabase>

#include <functional>

namespace rag::store {

class ChunkRepository {
public:
    explicit ChunkRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    // Chunk ids whose full text matches any of the terms. Bm25: the best `limit` by BM25, which
    // FTS5 finds by scoring every match; Unranked: the first `limit` matches, no scoring (for
    // callers that know all matches fit).
    enum class Ranking { Bm25, Unranked };
    Result<QList<qint64>> fullTextCandidates(qint64 kbId, const QStringList &terms, int limit,
                                             Ranking ranking = Ranking::Bm25);
    // Calls visit(chunkId, termCounts, termTotal) for every chunk of the knowledge base, in id
    // order. The bytes are valid only during the call: nothing is copied.
    Result<void> forEachTermCounts(qint64 kbId, const std::function<void(qint64, QByteArrayView, qint64)> &visit);
    // What the derived search structures (lexical and vector index) are stamped with: the
    // knowledge base's chunk count as its writes keep it, and its largest chunk id (ids are never
    // reused, and every chunk is written with its vector). Two index seeks, whatever the size.
    struct ChunkStamp {
        qint64 chunks = 0;
        qint64 maxChunkId = 0;
    };
    Result<ChunkStamp> chunkStamp(qint64 kbId);
    // The knowledge base's chunks (each is written with its vector): their count, largest id and
    // the sum of their ids, what a saved vector index must hold to be used
    // (VectorIndex::Holdings). A pass over the knowledge base's ids in their index (a few ms for
    // 20,000 chunks), done when an index is loaded from its file, not per search. (A vector of
    // the wrong dimension, which no write stores, is left out of a rebuild: its index never
    // matches, and is rebuilt with a warning on every load.)
    struct VectorHoldings {
        qint64 count = 0;
        qint64 maxId = 0;
        qint64 idSum = 0;
    };
    Result<VectorHoldings> vectorHoldings(qint64 kbId);
    // The chunks of these ids, in the order given; ids no longer stored are left out.
    Result<QList<ChunkView>> chunks(const QList<qint64> &chunkIds);

    // A document's chunks in their order in it.
    Result<QList<ChunkView>> documentChunks(qint64 kbId, const QString &documentPath);

    // Calls visit(chunkId, vector) for every chunk of the knowledge base.
    Result<void> forEachVector(qint64 kbId, const std::function<void(qint64, const QByteArray &)> &visit);

private:
    QSqlDatabase m_db;
};

// "term1" OR "term2" ...: every term quoted, so no user text can be FTS5 syntax.
QString fullTextMatchExpression(const QStringList &terms);

} // namespace rag::store
