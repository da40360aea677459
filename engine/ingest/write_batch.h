// Documents of one ingestion written in one transaction. Committing each document on its own
// costs a WAL append and an FTS5 segment flush (and later merge) per file, a sixth of ingestion's
// CPU on small files; a batch is committed once it is kMaxAge old, so other writers wait at most
// that long and a crash loses at most the files of one batch (a re-run ingests them again, since
// their hashes were never stored). The vector index hears of a batch's chunks only after its
// commit: it never holds chunks the database does not (docs/architecture.md, "Ingestion").
#pragma once

#include "core/result.h"
#include "index/vector_index.h"
#include "store/records.h"
#include "store/sql.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QList>
#include <QSqlDatabase>

#include <memory>
#include <optional>

namespace rag::ingest {

class WriteBatch {
public:
    static constexpr int kMaxAgeMs = 250;

    WriteBatch(QSqlDatabase db, std::shared_ptr<index::VectorIndex> index);

    // Opens the batch's transaction unless one is open; each document then writes in a savepoint
    // of it, so a document that fails undoes only its own rows.
    Result<void> open();
    // A document written in the open batch: its vectors go to the index after the commit.
    void add(const store::WrittenDocument &written, const store::PreparedDocument &document, qsizetype fileIndex);
    bool isDue() const { return m_transaction && m_age.elapsed() >= kMaxAgeMs; }
    // Commits (nothing to do when none is open) and starts the index updates on the CPU pool.
    // On failure the batch's files are returned, so the caller reports them failed.
    Result<void> commit(QList<QFuture<void>> &indexing, QList<qsizetype> *lostFiles);

private:
    struct IndexUpdate {
        QList<qint64> removed;
        QList<qint64> ids;
        QList<QByteArray> vectors;
    };

    QSqlDatabase m_db;
    std::shared_ptr<index::VectorIndex> m_index;
    std::optional<store::Transaction> m_transaction;
    QElapsedTimer m_age;
    QList<IndexUpdate> m_updates;
    QList<qsizetype> m_files;
};

} // namespace rag::ingest
