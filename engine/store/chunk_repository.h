// Read side of chunks for search: full-text candidates, per-candidate features (term hashes and
// vectors), term document frequencies, the chunks shown as hits, and vectors for index rebuilds.
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
    // How many chunks contain each term.
    Result<QHash<QString, qint64>> documentFrequencies(qint64 kbId, const QStringList &terms);
    // Calls visit(chunkId, termCounts) for each id that exists. The bytes are valid only during
    // the call: this is the hot path of search, so nothing is copied.
    Result<void> forEachTermCounts(const QList<qint64> &chunkIds,
                                   const std::function<void(qint64, QByteArrayView)> &visit);
    Result<QList<ChunkView>> chunks(const QList<qint64> &chunkIds);

    // Calls visit(chunkId, vector) for every chunk of the knowledge base.
    Result<void> forEachVector(qint64 kbId, const std::function<void(qint64, const QByteArray &)> &visit);
    struct VectorStamp {
        qint64 count = 0;
        qint64 maxChunkId = 0;
    };
    Result<VectorStamp> vectorStamp(qint64 kbId);

private:
    QSqlDatabase m_db;
};

// "term1" OR "term2" ...: every term quoted, so no user text can be FTS5 syntax.
QString fullTextMatchExpression(const QStringList &terms);

} // namespace rag::store
