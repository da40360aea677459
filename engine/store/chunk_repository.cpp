#include "store/chunk_repository.h"

#include "store/knowledge_base_repository.h"
#include "store/sql.h"
#include "store/sqlite_statement.h"

namespace rag::store {


QString fullTextMatchExpression(const QStringList &terms)
{
    QStringList quoted;
    quoted.reserve(terms.size());
    for (QString term : terms)
        quoted.append(QLatin1Char('"') + term.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"'));
    return quoted.join(QLatin1String(" OR "));
}

Result<QList<qint64>> ChunkRepository::fullTextCandidates(qint64 kbId, const QStringList &terms, int limit,
                                                          Ranking ranking)
{
    QList<qint64> ids;
    if (terms.isEmpty() || limit <= 0)
        return ids;
    const QString sql = ranking == Ranking::Bm25
        ? QStringLiteral("SELECT rowid FROM %1 WHERE %1 MATCH ? ORDER BY rank LIMIT ?")
        : QStringLiteral("SELECT rowid FROM %1 WHERE %1 MATCH ? LIMIT ?");
    auto query = exec(m_db, sql.arg(fullTextTable(kbId)), {fullTextMatchExpression(terms), limit});
    if (!query)
        return fail(query.error());
    while (query->next())
        ids.append(query->value(0).toLongLong());
    return ids;
}

Result<void> ChunkRepository::forEachTermCounts(qint64 kbId,
                                               const std::function<void(qint64, QByteArrayView, qint64)> &visit)
{
    // QSqlQuery would copy every blob into a QVariant.
    auto statement = SqliteStatement::prepare(
        m_db, "SELECT t.chunk_id, t.counts, t.total FROM chunks c JOIN chunk_terms t ON t.chunk_id = c.id"
              " WHERE c.kb_id = ? ORDER BY c.id");
    if (!statement)
        return fail(statement.error());
    statement->bind(1, kbId);
    while (statement->next())
        visit(statement->integer(0), statement->blob(1), statement->integer(2));
    if (!statement->error().isEmpty())
        return fail(statement->error());
    return {};
}

Result<ChunkRepository::ChunkStamp> ChunkRepository::chunkStamp(qint64 kbId)
{
    auto statement = SqliteStatement::prepare(
        m_db, "SELECT k.chunk_total, (SELECT COALESCE(MAX(c.id), 0) FROM chunks c WHERE c.kb_id = k.id)"
              " FROM knowledge_bases k WHERE k.id = ?");
    if (!statement)
        return fail(statement.error());
    statement->bind(1, kbId);
    if (!statement->next())
        return fail(statement->error().isEmpty() ? QStringLiteral("knowledge base %1 no longer exists").arg(kbId)
                                                 : statement->error());
    return ChunkStamp{statement->integer(0), statement->integer(1)};
}

Result<ChunkRepository::VectorHoldings> ChunkRepository::vectorHoldings(qint64 kbId)
{
    auto statement = SqliteStatement::prepare(
        m_db, "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM chunks WHERE kb_id = ?");
    if (!statement)
        return fail(statement.error());
    statement->bind(1, kbId);
    if (!statement->next())
        return fail(statement->error());
    return VectorHoldings{statement->integer(0), statement->integer(1), statement->integer(2)};
}

Result<QList<ChunkView>> ChunkRepository::chunks(const QList<qint64> &chunkIds)
{
    // One statement, run once per id (a primary-key seek each): the hits come out in the order
    // asked, and no statement text is built or parsed per search.
    auto statement = SqliteStatement::prepare(
        m_db, "SELECT d.name, d.path, c.content, COALESCE(c.page, 0) FROM chunks c"
              " JOIN documents d ON d.id = c.document_id WHERE c.id = ?");
    if (!statement)
        return fail(statement.error());
    QList<ChunkView> ordered;
    ordered.reserve(chunkIds.size());
    for (qint64 id : chunkIds) {
        statement->reset();
        statement->bind(1, id);
        if (statement->next()) {
            ordered.append(ChunkView{id, statement->text(0), statement->text(1), statement->text(2),
                                     int(statement->integer(3))});
        } else if (!statement->error().isEmpty()) {
            return fail(statement->error());
        }
    }
    return ordered;
}

Result<QList<ChunkView>> ChunkRepository::documentChunks(qint64 kbId, const QString &documentPath)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT c.id, d.name, d.path, c.content, COALESCE(c.page, 0) FROM chunks c"
                                     " JOIN documents d ON d.id = c.document_id"
                                     " WHERE d.kb_id = ? AND d.path = ? ORDER BY c.ord"),
                      {kbId, documentPath});
    if (!query)
        return fail(query.error());
    QList<ChunkView> chunks;
    while (query->next())
        chunks.append(ChunkView{query->value(0).toLongLong(), query->value(1).toString(), query->value(2).toString(),
                                query->value(3).toString(), query->value(4).toInt()});
    return chunks;
}

Result<void> ChunkRepository::forEachVector(qint64 kbId, const std::function<void(qint64, const QByteArray &)> &visit)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT v.chunk_id, v.data FROM vectors v JOIN chunks c ON c.id = v.chunk_id"
                                     " WHERE c.kb_id = ? ORDER BY v.chunk_id"),
                      {kbId});
    if (!query)
        return fail(query.error());
    while (query->next())
        visit(query->value(0).toLongLong(), query->value(1).toByteArray());
    return {};
}

} // namespace rag::store
