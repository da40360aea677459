// Keeps each knowledge base's lexical index in memory and on disk. The database is the source of
// truth: an index whose stamp disagrees with it (a write committed since, or a crash between a
// commit and the index's save) is never searched; the saved file is used when its stamp matches,
// and otherwise the index is rebuilt from chunk_terms, once, however many searches ask at once.
#pragma once

#include "core/result.h"
#include "index/lexical_index.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>

#include <atomic>
#include <memory>
#include <mutex>

namespace rag::index {

class LexicalIndexStore {
public:
    explicit LexicalIndexStore(QString directory);

    // The index of knowledge base kbId at `current`, the stamp the caller read from the database.
    Result<std::shared_ptr<const LexicalIndex>> open(qint64 kbId, const QSqlDatabase &db, LexicalStamp current);
    void forget(qint64 kbId);

    QString indexPath(qint64 kbId) const;
    int rebuildCount() const { return m_rebuilds; }

    // Reads every chunk's term counts of kbId in one read transaction.
    static Result<std::shared_ptr<const LexicalIndex>> build(qint64 kbId, const QSqlDatabase &db);

private:
    struct Slot {
        std::mutex building; // one load or rebuild at a time per knowledge base
        std::shared_ptr<const LexicalIndex> index; // guarded by m_mutex
    };
    std::shared_ptr<const LexicalIndex> current(Slot &slot, LexicalStamp stamp);

    QString m_directory;
    QMutex m_mutex;
    QHash<qint64, std::shared_ptr<Slot>> m_slots;
    std::atomic<int> m_rebuilds{0};
};

} // namespace rag::index
