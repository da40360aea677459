#include "index/vector_index_store.h"

#include "core/logging.h"
#include "index/builtin_embedder.h"
#include "store/chunk_repository.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentMap>

namespace rag::index {

namespace {
constexpr qsizetype kRebuildBatch = 20000;

// A saved index's stamp says what the file holds (not what the database held when it was
// saved: two processes ingesting at once each saved an index missing the other's vectors under
// a stamp that matched, docs/reliability.md), and for which vector generation.
QString stampText(qint64 count, qint64 maxId, qint64 idSum, qint64 generation)
{
    return QStringLiteral("%1 %2 %3 g%4").arg(count).arg(maxId).arg(idSum).arg(generation);
}
} // namespace

VectorIndexStore::VectorIndexStore(QString directory, VectorIndexOptions options)
    : m_directory(std::move(directory)), m_options(options)
{
}

QString VectorIndexStore::indexPath(qint64 kbId) const
{
    return QDir(m_directory).filePath(QStringLiteral("kb-%1.hnsw").arg(kbId));
}

Result<std::shared_ptr<VectorIndex>> VectorIndexStore::open(const store::KnowledgeBase &kb, const QSqlDatabase &db)
{
    const qint64 kbId = kb.id;
    if (kb.spec.dimension < 1)
        return fail(QStringLiteral("knowledge base '%1' records no vector dimension").arg(kb.spec.name));
    QMutexLocker lock(&m_mutex);
    // An index of an earlier generation holds the vectors the knowledge base had before.
    if (auto it = m_indexes.constFind(kbId); it != m_indexes.constEnd()) {
        if (it->generation == kb.vectorGeneration)
            return it->index;
        if (it->generation > kb.vectorGeneration) // a caller that read the knowledge base before a swap
            return fail(QStringLiteral("knowledge base '%1' was re-embedded meanwhile; try again").arg(kb.spec.name));
    }
    VectorIndexOptions options = m_options;
    options.dimension = kb.spec.dimension;

    auto held = store::ChunkRepository(db).vectorHoldings(kbId);
    if (!held)
        return fail(held.error());
    QFile stampFile(indexPath(kbId) + QStringLiteral(".stamp"));
    const bool stampMatches = stampFile.open(QIODevice::ReadOnly)
        && QString::fromLatin1(stampFile.readAll()).trimmed() == stampText(held->count, held->maxId, held->idSum, kb.vectorGeneration);
    if (stampMatches) {
        auto loaded = VectorIndex::load(indexPath(kbId), options);
        if (loaded) {
            std::shared_ptr<VectorIndex> index(std::move(*loaded));
            m_indexes.insert(kbId, {index, kb.vectorGeneration});
            return index;
        }
        qCWarning(lcIndex) << loaded.error() << "- rebuilding it";
    }
    auto rebuilt = rebuild(kbId, options, db, held->count);
    if (!rebuilt)
        return rebuilt;
    m_indexes.insert(kbId, {*rebuilt, kb.vectorGeneration});
    lock.unlock();
    if (held->count > 0) {
        if (auto saved = save(kbId); !saved)
            qCWarning(lcIndex) << saved.error();
    }
    return rebuilt;
}

Result<std::shared_ptr<VectorIndex>> VectorIndexStore::rebuild(qint64 kbId, const VectorIndexOptions &options,
                                                              const QSqlDatabase &db, qint64 expected)
{
    ++m_rebuilds;
    auto index = std::make_shared<VectorIndex>(options, size_t(expected + expected / 4 + 16));
    struct Item {
        qint64 id;
        std::vector<float> vector;
    };
    QList<Item> batch;
    auto flush = [&] {
        QtConcurrent::blockingMap(batch, [&](const Item &item) { index->add(item.id, item.vector.data()); });
        batch.clear();
    };
    QString wrongDimension;
    auto visited = store::ChunkRepository(db).forEachVector(kbId, [&](qint64 id, const QByteArray &data) {
        std::vector<float> vector = unpackVector(data);
        if (int(vector.size()) != options.dimension) {
            wrongDimension = QStringLiteral("chunk %1 has a %2-dimensional vector, the index expects %3")
                                 .arg(id).arg(vector.size()).arg(options.dimension);
            return;
        }
        batch.append({id, std::move(vector)});
        if (batch.size() >= kRebuildBatch)
            flush();
    });
    if (!visited)
        return fail(visited.error());
    flush();
    if (!wrongDimension.isEmpty())
        qCWarning(lcIndex) << wrongDimension;
    return index;
}

Result<void> VectorIndexStore::save(qint64 kbId)
{
    Cached cached;
    {
        QMutexLocker lock(&m_mutex);
        cached = m_indexes.value(kbId);
    }
    const std::shared_ptr<VectorIndex> &index = cached.index;
    if (!index)
        return {};
    if (!QDir().mkpath(m_directory))
        return fail(QStringLiteral("cannot create %1").arg(m_directory));
    const auto saved = index->save(indexPath(kbId));
    if (!saved)
        return saved.failure();
    QSaveFile stampFile(indexPath(kbId) + QStringLiteral(".stamp"));
    if (!stampFile.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1").arg(stampFile.fileName()));
    stampFile.write(stampText(saved->count, saved->maxId, saved->idSum, cached.generation).toLatin1());
    if (!stampFile.commit())
        return fail(QStringLiteral("cannot write %1").arg(stampFile.fileName()));
    return {};
}

void VectorIndexStore::forget(qint64 kbId)
{
    QMutexLocker lock(&m_mutex);
    m_indexes.remove(kbId);
    QFile::remove(indexPath(kbId));
    QFile::remove(indexPath(kbId) + QStringLiteral(".stamp"));
}

} // namespace rag::index
