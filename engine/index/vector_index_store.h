// Keeps one vector index per knowledge base in memory and on disk. The database is the source of
// truth: an index file whose stamp (vector count, newest chunk id) disagrees with it, or that is
// missing or unreadable, is rebuilt from the stored vectors.
#pragma once

#include "core/result.h"
#include "index/vector_index.h"
#include "store/records.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>

#include <memory>

namespace rag::index {

class VectorIndexStore {
public:
    // options.dimension is not used: each knowledge base's comes with open().
    VectorIndexStore(QString directory, VectorIndexOptions options);

    // The index of the knowledge base's vectors as they are now: its dimension and vector
    // generation (an index of an earlier generation, in memory or on disk, is rebuilt).
    Result<std::shared_ptr<VectorIndex>> open(const store::KnowledgeBase &kb, const QSqlDatabase &db);
    // Writes the index as it is in memory, stamped with what it holds: an index that lacks
    // vectors the database has (another process wrote them) is rebuilt by the next open().
    Result<void> save(qint64 kbId);
    void forget(qint64 kbId);

    QString indexPath(qint64 kbId) const;
    int rebuildCount() const { return m_rebuilds; }

private:
    Result<std::shared_ptr<VectorIndex>> rebuild(qint64 kbId, const VectorIndexOptions &options, const QSqlDatabase &db,
                                                 qint64 expected);

    QString m_directory;
    VectorIndexOptions m_options;
    QMutex m_mutex;
    struct Cached {
        std::shared_ptr<VectorIndex> index;
        qint64 generation = 0;
    };
    QHash<qint64, Cached> m_indexes;
    int m_rebuilds = 0;
};

} // namespace rag::index
