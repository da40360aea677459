// Writes documents with all their chunks, vectors and full-text rows in one transaction, so a
// document is either fully searchable or not there at all; records per-file ingest failures.
#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QSqlDatabase>

#include <optional>

namespace rag::store {

class DocumentRepository {
public:
    explicit DocumentRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<std::optional<StoredDocument>> findByPath(qint64 kbId, const QString &path);
    Result<QList<StoredDocument>> list(qint64 kbId);

    // Replaces any earlier version of the same path.
    Result<WrittenDocument> write(const PreparedDocument &document);

    // Keeps a ready earlier version searchable and notes the error on it; otherwise records a
    // failed document so the failure shows up in listings.
    Result<void> recordFailure(qint64 kbId, const QString &path, const QString &name, qint64 size,
                               const QString &contentHash, const QString &error);

    // Removes the document stored from `path`, with its chunks, their full-text rows and
    // vectors, inside the caller's transaction; returns the ids of the chunks removed.
    Result<QList<qint64>> remove(qint64 kbId, const QString &path) { return removeExisting(kbId, path); }

private:
    Result<QList<qint64>> removeExisting(qint64 kbId, const QString &path);
    Result<void> addToTotals(qint64 kbId, qint64 chunks, qint64 terms);

    QSqlDatabase m_db;
};

} // namespace rag::store
