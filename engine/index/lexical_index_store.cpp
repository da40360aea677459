#include "index/lexical_index_store.h"

#include "core/logging.h"
#include "store/chunk_repository.h"

#include <QDir>
#include <QFile>

namespace rag::index {

LexicalIndexStore::LexicalIndexStore(QString directory) : m_directory(std::move(directory)) {}

QString LexicalIndexStore::indexPath(qint64 kbId) const
{
    return QDir(m_directory).filePath(QStringLiteral("kb-%1.lex").arg(kbId));
}

std::shared_ptr<const LexicalIndex> LexicalIndexStore::current(Slot &slot, LexicalStamp stamp)
{
    QMutexLocker lock(&m_mutex);
    return slot.index && slot.index->stamp() == stamp ? slot.index : nullptr;
}

Result<std::shared_ptr<const LexicalIndex>> LexicalIndexStore::open(qint64 kbId, const QSqlDatabase &db,
                                                                   LexicalStamp stamp)
{
    std::shared_ptr<Slot> slot;
    {
        QMutexLocker lock(&m_mutex);
        auto &entry = m_slots[kbId];
        if (!entry)
            entry = std::make_shared<Slot>();
        slot = entry;
    }
    if (auto index = current(*slot, stamp))
        return index;
    std::lock_guard building(slot->building);
    if (auto index = current(*slot, stamp))
        return index; // another search built it while this one waited

    std::shared_ptr<const LexicalIndex> index;
    if (QFile::exists(indexPath(kbId))) {
        auto loaded = LexicalIndex::load(indexPath(kbId));
        if (!loaded)
            qCWarning(lcIndex) << loaded.error() << "- rebuilding it";
        else if ((*loaded)->stamp() == stamp)
            index = *loaded;
    }
    if (!index) {
        auto built = build(kbId, db);
        if (!built)
            return built;
        index = *built;
        ++m_rebuilds;
        if (!QDir().mkpath(m_directory))
            qCWarning(lcIndex) << "cannot create" << m_directory << "- the search index stays in memory";
        else if (auto saved = index->save(indexPath(kbId)); !saved)
            qCWarning(lcIndex) << saved.error();
    }
    QMutexLocker lock(&m_mutex);
    slot->index = index;
    return index;
}

void LexicalIndexStore::forget(qint64 kbId)
{
    QMutexLocker lock(&m_mutex);
    m_slots.remove(kbId);
    QFile::remove(indexPath(kbId));
}

Result<std::shared_ptr<const LexicalIndex>> LexicalIndexStore::build(qint64 kbId, const QSqlDatabase &db)
{
    // One read transaction: the stamp and the rows describe the same committed state.
    QSqlDatabase connection = db;
    const bool inTransaction = connection.transaction();
    store::ChunkRepository chunks(db);
    auto finishRead = [&] {
        if (inTransaction)
            connection.commit();
    };
    auto stamp = chunks.chunkStamp(kbId);
    if (!stamp) {
        finishRead();
        return fail(stamp.error());
    }
    LexicalIndex::Builder builder;
    Result<void> added;
    auto read = chunks.forEachTermCounts(kbId, [&](qint64 id, QByteArrayView counts, qint64 total) {
        if (added)
            added = builder.add(id, counts, total);
    });
    finishRead();
    if (!read)
        return fail(read.error());
    if (!added)
        return fail(added.error());
    return builder.finish({stamp->chunks, stamp->maxChunkId});
}

} // namespace rag::index
