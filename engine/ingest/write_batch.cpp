#include "ingest/write_batch.h"

#include <QtConcurrent/QtConcurrentRun>

namespace rag::ingest {

WriteBatch::WriteBatch(QSqlDatabase db, std::shared_ptr<index::VectorIndex> index)
    : m_db(std::move(db)), m_index(std::move(index))
{
}

Result<void> WriteBatch::open()
{
    if (m_transaction)
        return {};
    m_transaction.emplace(m_db);
    if (!m_transaction->started()) {
        const QString error = m_transaction->startError();
        m_transaction.reset();
        return fail(QStringLiteral("database error: %1").arg(error));
    }
    m_age.start();
    return {};
}

void WriteBatch::add(const store::WrittenDocument &written, const store::PreparedDocument &document, qsizetype fileIndex)
{
    IndexUpdate update{written.removedChunkIds, written.chunkIds, {}};
    update.vectors.reserve(document.chunks.size());
    for (const store::PreparedChunk &chunk : document.chunks)
        update.vectors.append(chunk.vector);
    m_updates.append(std::move(update));
    m_files.append(fileIndex);
}

Result<void> WriteBatch::commit(QList<QFuture<void>> &indexing, QList<qsizetype> *lostFiles)
{
    if (!m_transaction)
        return {};
    const Result<void> committed = m_transaction->commit();
    m_transaction.reset();
    QList<IndexUpdate> updates = std::exchange(m_updates, {});
    QList<qsizetype> files = std::exchange(m_files, {});
    if (!committed) {
        *lostFiles = std::move(files);
        return committed;
    }
    // Replaced versions leave the index now; the new vectors are added on the CPU pool while
    // the next batch is written.
    size_t added = 0;
    for (const IndexUpdate &update : std::as_const(updates)) {
        for (qint64 removed : update.removed)
            m_index->remove(removed);
        added += size_t(update.ids.size());
    }
    m_index->reserve(size_t(m_index->size() + m_index->deletedCount()) + added);
    indexing.append(QtConcurrent::run([index = m_index, updates = std::move(updates)] {
        for (const IndexUpdate &update : updates) {
            for (qsizetype i = 0; i < update.ids.size(); ++i)
                index->add(update.ids.at(i), reinterpret_cast<const float *>(update.vectors.at(i).constData()));
        }
    }));
    return {};
}

} // namespace rag::ingest
