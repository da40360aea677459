#include "store/reembed_repository.h"

#include "store/sql.h"

#include <QSqlError>
#include <QSqlQuery>

namespace rag::store {

Result<void> ReembedRepository::clear(qint64 kbId)
{
    auto done = exec(m_db, QStringLiteral("DELETE FROM reembed_vectors WHERE kb_id = ?"), {kbId});
    if (!done)
        return fail(done.error());
    return {};
}

Result<QList<ChunkToEmbed>> ReembedRepository::unstaged(qint64 kbId, qint64 afterId, int limit)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT c.id, COALESCE(d.title, ''), c.content FROM chunks c"
                                     " JOIN documents d ON d.id = c.document_id"
                                     " WHERE c.kb_id = ? AND c.id > ?"
                                     " AND NOT EXISTS (SELECT 1 FROM reembed_vectors r WHERE r.chunk_id = c.id)"
                                     " ORDER BY c.id LIMIT ?"),
                      {kbId, afterId, limit});
    if (!query)
        return fail(query.error());
    QList<ChunkToEmbed> chunks;
    while (query->next())
        chunks.append({query->value(0).toLongLong(), query->value(1).toString(), query->value(2).toString()});
    return chunks;
}

Result<qint64> ReembedRepository::unstagedCount(qint64 kbId)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT COUNT(*) FROM chunks c WHERE c.kb_id = ?"
                                     " AND NOT EXISTS (SELECT 1 FROM reembed_vectors r WHERE r.chunk_id = c.id)"),
                      {kbId});
    if (!query)
        return fail(query.error());
    query->next();
    return query->value(0).toLongLong();
}

Result<void> ReembedRepository::stage(qint64 kbId, const QList<StagedVector> &vectors)
{
    Transaction transaction(m_db);
    if (!transaction.started())
        return fail(QStringLiteral("database error: %1").arg(transaction.startError()));
    QSqlQuery insert(m_db);
    // A chunk removed meanwhile is skipped: its vector would refer to nothing.
    if (!insert.prepare(QStringLiteral("INSERT OR REPLACE INTO reembed_vectors (chunk_id, kb_id, data)"
                                       " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)")))
        return fail(QStringLiteral("database error: cannot prepare the staging insert"));
    for (const StagedVector &vector : vectors) {
        insert.bindValue(0, vector.chunkId);
        insert.bindValue(1, kbId);
        insert.bindValue(2, vector.data);
        insert.bindValue(3, vector.chunkId);
        if (!insert.exec())
            return fail(QStringLiteral("database error: %1").arg(insert.lastError().text()));
    }
    return transaction.commit();
}

Result<qint64> ReembedRepository::swap(qint64 kbId, const QString &embedder, int dimension)
{
    Transaction transaction(m_db);
    if (!transaction.started())
        return fail(QStringLiteral("database error: %1").arg(transaction.startError()));
    // The write first: it takes the write lock, so no ingestion adds a chunk between the check and
    // the swap.
    auto updated = exec(m_db,
                        QStringLiteral("UPDATE knowledge_bases SET embedder = ?, dimension = ?,"
                                       " vector_generation = vector_generation + 1 WHERE id = ?"),
                        {embedder, dimension, kbId});
    if (!updated)
        return fail(updated.error());
    auto missing = unstagedCount(kbId);
    if (!missing)
        return fail(missing.error());
    if (*missing > 0)
        return *missing; // rolled back with the transaction
    // Two re-embeddings of one knowledge base at once would stage each other's vectors.
    auto mixed = exec(m_db, QStringLiteral("SELECT COUNT(*) FROM reembed_vectors WHERE kb_id = ? AND length(data) != ?"),
                      {kbId, qint64(dimension) * qint64(sizeof(float))});
    if (!mixed)
        return fail(mixed.error());
    if (mixed->next() && mixed->value(0).toLongLong() > 0)
        return fail(QStringLiteral("another re-embedding of this knowledge base ran at the same time; run one again"));
    const QStringList statements = {
        QStringLiteral("DELETE FROM vectors WHERE chunk_id IN (SELECT id FROM chunks WHERE kb_id = %1)").arg(kbId),
        QStringLiteral("INSERT INTO vectors (chunk_id, embedder, dim, data) SELECT chunk_id, ?, ?, data"
                       " FROM reembed_vectors WHERE kb_id = %1").arg(kbId),
        QStringLiteral("DELETE FROM reembed_vectors WHERE kb_id = %1").arg(kbId),
    };
    for (const QString &statement : statements) {
        const QVariantList binds = statement.startsWith(QLatin1String("INSERT")) ? QVariantList{embedder, dimension} : QVariantList{};
        if (auto done = exec(m_db, statement, binds); !done)
            return fail(done.error());
    }
    if (auto committed = transaction.commit(); !committed)
        return fail(committed.error());
    return qint64(0);
}

} // namespace rag::store
