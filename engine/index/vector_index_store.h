// Keeps one vector index per knowledge base in memory and on disk. The database is the source of
// truth: an index file whose stamp (vector count, newest chunk id) disagrees with it, or that is
// missing or unreadable, is rebuilt from the stored vectors.
#pragma once

#include "core/result.h"
#include "index/vector_index.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>

#include <memory>

namespace rag::index {

class VectorIndexStore {
public:
    // options.dimension is not used: each knowledge base's comes with open().
    VectorIndexStore(QString directory, VectorIndexOptions options);

    // `dimension`: of the knowledge base's vectors (its embedder's).
    Result<std::shared_ptr<VectorIndex>> open(qint64 kbId, int dimension, const QSqlDatabase &db);
    Result<void> save(qint64 kbId, const QSqlDatabase &db);
    void forget(qint64 kbId);

    QString indexPath(qint64 kbId) const;
    int rebuildCount() const { return m_rebuilds; }

private:
    Result<std::shared_ptr<VectorIndex>> rebuild(qint64 kbId, const VectorIndexOptions &options, const QSqlDatabase &db,
                                                 qint64 expected);

    QString m_directory;
    VectorIndexOptions m_options;
    QMutex m_mutex;
    QHash<qint64, std::shared_ptr<VectorIndex>> m_indexes;
    int m_rebuilds = 0;
};

} // namespace rag::index
