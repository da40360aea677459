#include "store/document_repository.h"

#include "store/knowledge_base_repository.h"
#include "store/sql.h"

#include <QDateTime>
#include <QSqlError>

namespace rag::store {

static QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

static StoredDocument readDocument(const QSqlQuery &query)
{
    StoredDocument doc;
    doc.id = query.value(0).toLongLong();
    doc.name = query.value(1).toString();
    doc.path = query.value(2).toString();
    doc.contentHash = query.value(3).toString();
    doc.size = query.value(4).toLongLong();
    doc.status = query.value(5).toString();
    doc.error = query.value(6).toString();
    doc.chunkCount = query.value(7).toInt();
    doc.updatedAt = query.value(8).toString();
    return doc;
}

static const char *kSelectDocuments =
    "SELECT id, name, path, content_hash, size, status, error, chunk_count, updated_at FROM documents";

Result<std::optional<StoredDocument>> DocumentRepository::findByPath(qint64 kbId, const QString &path)
{
    auto query = exec(m_db, QString::fromLatin1(kSelectDocuments) + QStringLiteral(" WHERE kb_id = ? AND path = ?"),
                      {kbId, path});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return std::optional<StoredDocument>();
    return std::optional<StoredDocument>(readDocument(*query));
}

Result<QList<StoredDocument>> DocumentRepository::list(qint64 kbId)
{
    auto query = exec(m_db, QString::fromLatin1(kSelectDocuments) + QStringLiteral(" WHERE kb_id = ? ORDER BY path"), {kbId});
    if (!query)
        return fail(query.error());
    QList<StoredDocument> result;
    while (query->next())
        result.append(readDocument(*query));
    return result;
}

Result<QList<qint64>> DocumentRepository::removeExisting(qint64 kbId, const QString &path)
{
    auto ids = exec(m_db,
                    QStringLiteral("SELECT c.id, t.total FROM chunks c JOIN documents d ON d.id = c.document_id"
                                   " JOIN chunk_terms t ON t.chunk_id = c.id"
                                   " WHERE d.kb_id = ? AND d.path = ?"),
                    {kbId, path});
    if (!ids)
        return fail(ids.error());
    QList<qint64> removed;
    qint64 removedTerms = 0;
    while (ids->next()) {
        removed.append(ids->value(0).toLongLong());
        removedTerms += ids->value(1).toLongLong();
    }
    if (auto totals = addToTotals(kbId, -removed.size(), -removedTerms); !totals)
        return fail(totals.error());
    if (!removed.isEmpty()) {
        auto deleted = exec(m_db,
                            QStringLiteral("DELETE FROM %1 WHERE rowid IN (SELECT c.id FROM chunks c JOIN documents d"
                                           " ON d.id = c.document_id WHERE d.kb_id = ? AND d.path = ?)")
                                .arg(fullTextTable(kbId)),
                            {kbId, path});
        if (!deleted)
            return fail(deleted.error());
    }
    // Chunks and vectors go with the document (ON DELETE CASCADE).
    auto deleted = exec(m_db, QStringLiteral("DELETE FROM documents WHERE kb_id = ? AND path = ?"), {kbId, path});
    if (!deleted)
        return fail(deleted.error());
    return removed;
}

Result<void> DocumentRepository::addToTotals(qint64 kbId, qint64 chunks, qint64 terms)
{
    if (chunks == 0 && terms == 0)
        return {};
    auto updated = exec(m_db,
                        QStringLiteral("UPDATE knowledge_bases SET chunk_total = chunk_total + ?,"
                                       " term_total = term_total + ? WHERE id = ?"),
                        {chunks, terms, kbId});
    return updated ? Result<void>() : Result<void>(fail(updated.error()));
}

Result<WrittenDocument> DocumentRepository::write(const PreparedDocument &document)
{
    Transaction transaction(m_db);
    if (!transaction.started())
        return fail(QStringLiteral("database error: %1").arg(transaction.startError()));
    // The vectors may have been replaced since the ingestion started (kb reembed, maybe in another
    // process, maybe by the same embedder's new model): vectors of the old ones must not join them.
    auto current = exec(m_db, QStringLiteral("SELECT embedder, vector_generation FROM knowledge_bases WHERE id = ?"),
                        {document.kbId});
    if (!current)
        return fail(current.error());
    if (!current->next())
        return fail(QStringLiteral("the knowledge base was removed during the ingestion"));
    if (current->value(1).toLongLong() != document.vectorGeneration)
        return fail(QStringLiteral("the knowledge base was re-embedded (now by '%1') during the ingestion: ingest again")
                        .arg(current->value(0).toString()));
    WrittenDocument written;
    auto removed = removeExisting(document.kbId, document.path);
    if (!removed)
        return fail(removed.error());
    written.removedChunkIds = *removed;

    auto inserted = exec(m_db,
                         QStringLiteral("INSERT INTO documents (kb_id, name, path, title, content_hash, size, status,"
                                        " chunk_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'ready', ?, ?)"),
                         {document.kbId, document.name, document.path, document.title, document.contentHash,
                          document.size, int(document.chunks.size()), now()});
    if (!inserted)
        return fail(inserted.error());
    written.documentId = inserted->lastInsertId().toLongLong();

    QSqlQuery chunkInsert(m_db);
    QSqlQuery textInsert(m_db);
    QSqlQuery vectorInsert(m_db);
    QSqlQuery termsInsert(m_db);
    if (!chunkInsert.prepare(QStringLiteral("INSERT INTO chunks (document_id, kb_id, ord, page, token_count, content)"
                                            " VALUES (?, ?, ?, ?, ?, ?)"))
        || !termsInsert.prepare(QStringLiteral("INSERT INTO chunk_terms (chunk_id, counts, total) VALUES (?, ?, ?)"))
        || !textInsert.prepare(QStringLiteral("INSERT INTO %1 (rowid, tokens) VALUES (?, ?)").arg(fullTextTable(document.kbId)))
        || !vectorInsert.prepare(QStringLiteral("INSERT INTO vectors (chunk_id, embedder, dim, data) VALUES (?, ?, ?, ?)")))
        return fail(QStringLiteral("database error: cannot prepare chunk inserts"));

    written.chunkIds.reserve(document.chunks.size());
    qint64 terms = 0;
    for (int i = 0; i < document.chunks.size(); ++i) {
        const PreparedChunk &chunk = document.chunks.at(i);
        chunkInsert.bindValue(0, written.documentId);
        chunkInsert.bindValue(1, document.kbId);
        chunkInsert.bindValue(2, i);
        chunkInsert.bindValue(3, chunk.page > 0 ? QVariant(chunk.page) : QVariant());
        chunkInsert.bindValue(4, chunk.tokenCount);
        chunkInsert.bindValue(5, chunk.content);
        terms += chunk.termTotal;
        if (!chunkInsert.exec())
            return fail(QStringLiteral("database error: %1").arg(chunkInsert.lastError().text()));
        const qint64 chunkId = chunkInsert.lastInsertId().toLongLong();
        written.chunkIds.append(chunkId);

        termsInsert.bindValue(0, chunkId);
        termsInsert.bindValue(1, chunk.termCounts);
        termsInsert.bindValue(2, chunk.termTotal);
        if (!termsInsert.exec())
            return fail(QStringLiteral("database error: %1").arg(termsInsert.lastError().text()));

        textInsert.bindValue(0, chunkId);
        textInsert.bindValue(1, chunk.ftsText);
        if (!textInsert.exec())
            return fail(QStringLiteral("database error: %1").arg(textInsert.lastError().text()));

        vectorInsert.bindValue(0, chunkId);
        vectorInsert.bindValue(1, document.embedder);
        vectorInsert.bindValue(2, document.dimension);
        vectorInsert.bindValue(3, chunk.vector);
        if (!vectorInsert.exec())
            return fail(QStringLiteral("database error: %1").arg(vectorInsert.lastError().text()));
    }
    if (auto totals = addToTotals(document.kbId, document.chunks.size(), terms); !totals)
        return fail(totals.error());
    if (auto committed = transaction.commit(); !committed)
        return fail(committed.error());
    return written;
}

Result<void> DocumentRepository::recordFailure(qint64 kbId, const QString &path, const QString &name, qint64 size,
                                               const QString &contentHash, const QString &error)
{
    auto existing = findByPath(kbId, path);
    if (!existing)
        return fail(existing.error());
    if (existing->has_value() && (*existing)->status == QLatin1String("ready")) {
        auto updated = exec(m_db, QStringLiteral("UPDATE documents SET error = ? WHERE id = ?"), {error, (*existing)->id});
        return updated ? Result<void>() : Result<void>(fail(updated.error()));
    }
    auto upserted = exec(m_db,
                         QStringLiteral("INSERT INTO documents (kb_id, name, path, content_hash, size, status, error,"
                                        " chunk_count, updated_at) VALUES (?, ?, ?, ?, ?, 'failed', ?, 0, ?)"
                                        " ON CONFLICT (kb_id, path) DO UPDATE SET content_hash = excluded.content_hash,"
                                        " size = excluded.size, error = excluded.error, updated_at = excluded.updated_at"),
                         {kbId, name, path, contentHash, size, error, now()});
    return upserted ? Result<void>() : Result<void>(fail(upserted.error()));
}

} // namespace rag::store
