#include "store/chunk_repository.h"

#include "store/knowledge_base_repository.h"
#include "store/sql.h"

#include <QSqlDriver>

#include <sqlite3.h>

namespace rag::store {

namespace {
constexpr int kIdsPerStatement = 500;

QString idList(const QList<qint64> &ids, qsizetype from, qsizetype count)
{
    QStringList parts;
    parts.reserve(count);
    for (qsizetype i = from; i < from + count; ++i)
        parts.append(QString::number(ids.at(i)));
    return parts.join(QLatin1Char(','));
}

// Runs `sql` (with %1 standing for a list of ids) over the ids in slices.
Result<void> forIdSlices(const QSqlDatabase &db, const QString &sql, const QList<qint64> &ids,
                         const std::function<void(QSqlQuery &)> &readRow)
{
    for (qsizetype from = 0; from < ids.size(); from += kIdsPerStatement) {
        const qsizetype count = std::min<qsizetype>(kIdsPerStatement, ids.size() - from);
        auto query = exec(db, sql.arg(idList(ids, from, count)));
        if (!query)
            return fail(query.error());
        while (query->next())
            readRow(*query);
    }
    return {};
}
} // namespace

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
    // The SQLite C API on the connection's own handle: QSqlQuery would copy every blob into a
    // QVariant.
    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return fail(QStringLiteral("database error: not an SQLite connection"));
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT t.chunk_id, t.counts, t.total FROM chunks c JOIN chunk_terms t ON t.chunk_id = c.id"
                           " WHERE c.kb_id = ? ORDER BY c.id",
                           -1, &statement, nullptr)
        != SQLITE_OK)
        return fail(QStringLiteral("database error: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
    sqlite3_bind_int64(statement, 1, kbId);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
        const auto *bytes = static_cast<const char *>(sqlite3_column_blob(statement, 1));
        visit(sqlite3_column_int64(statement, 0), QByteArrayView(bytes, sqlite3_column_bytes(statement, 1)),
              sqlite3_column_int64(statement, 2));
    }
    Result<void> result;
    if (step != SQLITE_DONE)
        result = fail(QStringLiteral("database error: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
    sqlite3_finalize(statement);
    return result;
}

Result<ChunkRepository::ChunkStamp> ChunkRepository::chunkStamp(qint64 kbId)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT k.chunk_total, (SELECT COALESCE(MAX(c.id), 0) FROM chunks c WHERE c.kb_id = k.id)"
                                     " FROM knowledge_bases k WHERE k.id = ?"),
                      {kbId});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(QStringLiteral("knowledge base %1 no longer exists").arg(kbId));
    return ChunkStamp{query->value(0).toLongLong(), query->value(1).toLongLong()};
}

Result<QList<ChunkView>> ChunkRepository::chunks(const QList<qint64> &chunkIds)
{
    QHash<qint64, ChunkView> byId;
    auto done = forIdSlices(m_db,
                            QStringLiteral("SELECT c.id, d.name, d.path, c.content, COALESCE(c.page, 0) FROM chunks c"
                                           " JOIN documents d ON d.id = c.document_id WHERE c.id IN (%1)"),
                            chunkIds, [&](QSqlQuery &query) {
                                ChunkView view{query.value(0).toLongLong(), query.value(1).toString(),
                                               query.value(2).toString(), query.value(3).toString(),
                                               query.value(4).toInt()};
                                byId.insert(view.id, view);
                            });
    if (!done)
        return fail(done.error());
    QList<ChunkView> ordered;
    ordered.reserve(chunkIds.size());
    for (qint64 id : chunkIds) {
        if (auto it = byId.constFind(id); it != byId.constEnd())
            ordered.append(*it);
    }
    return ordered;
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
