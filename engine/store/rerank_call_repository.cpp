#include "store/rerank_call_repository.h"

#include "store/sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

#include <algorithm>
#include <type_traits>

namespace rag::store {

namespace {

constexpr const char *kColumns =
    "id, at, provider, model, endpoint, mode, thread, documents, bytes, attempts, http_status, status,"
    " latency_ms, error, tokens, top_scores";

// A list of numbers as a compact JSON array, and back: scores and chunk ids.
template <typename T>
QString encodeNumbers(const QList<T> &numbers)
{
    QJsonArray array;
    for (T n : numbers)
        array.append(n);
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

template <typename T>
QList<T> decodeNumbers(const QString &json)
{
    QList<T> numbers;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array) {
        if constexpr (std::is_integral_v<T>)
            numbers.append(T(v.toInteger()));
        else
            numbers.append(T(v.toDouble()));
    }
    return numbers;
}

// Read only with the bodies: what a call's detail view and a replay need.
constexpr const char *kBodyColumns = ", request_body, response_body, query, chunk_ids, scores";

RerankCallRecord readCall(const QSqlQuery &q, bool withBodies)
{
    RerankCallRecord c;
    c.id = q.value(0).toLongLong();
    c.at = QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs);
    c.at.setTimeSpec(Qt::UTC);
    c.provider = q.value(2).toString();
    c.model = q.value(3).toString();
    c.endpoint = q.value(4).toString();
    c.mode = q.value(5).toString();
    c.thread = q.value(6).toString();
    c.documents = q.value(7).toInt();
    c.bytes = q.value(8).toLongLong();
    c.attempts = q.value(9).toInt();
    c.httpStatus = q.value(10).toInt();
    c.ok = q.value(11).toString() == QLatin1String("ok");
    c.latencyMs = q.value(12).toDouble();
    c.error = q.value(13).toString();
    c.tokens = q.value(14).toLongLong();
    c.topScores = decodeNumbers<double>(q.value(15).toString());
    if (withBodies) {
        c.requestBody = q.value(16).toString();
        c.responseBody = q.value(17).toString();
        c.query = q.value(18).toString();
        c.chunkIds = decodeNumbers<qint64>(q.value(19).toString());
        c.scores = decodeNumbers<double>(q.value(20).toString());
    }
    return c;
}

// A null QString binds as SQL NULL; these columns are NOT NULL text.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

Result<void> RerankCallRepository::append(const QList<RerankCallRecord> &calls)
{
    if (calls.isEmpty())
        return {};
    Transaction transaction(m_db);
    QSqlQuery insert(m_db);
    insert.prepare(QStringLiteral(
        "INSERT INTO rerank_calls (at, provider, model, endpoint, mode, thread, documents, bytes, attempts,"
        " http_status, status, latency_ms, error, tokens, top_scores, request_body, response_body, query, chunk_ids,"
        " scores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const RerankCallRecord &c : calls) {
        const QVariantList values = {isoTime(c.at), text(c.provider), text(c.model), text(c.endpoint), text(c.mode),
                                     text(c.thread), c.documents,
                                     c.bytes, c.attempts, c.httpStatus, c.ok ? QStringLiteral("ok") : QStringLiteral("error"),
                                     c.latencyMs, c.error.isEmpty() ? QVariant() : QVariant(c.error), c.tokens,
                                     encodeNumbers(c.topScores), text(c.requestBody), text(c.responseBody),
                                     text(c.query), encodeNumbers(c.chunkIds), encodeNumbers(c.scores)};
        for (int i = 0; i < values.size(); ++i)
            insert.bindValue(i, values.at(i));
        if (!insert.exec())
            return fail(QStringLiteral("could not record a rerank call: %1").arg(insert.lastError().text()));
    }
    return transaction.commit();
}

Result<QList<RerankCallRecord>> RerankCallRepository::query(const RerankCallFilter &filter)
{
    QString sql = QStringLiteral("SELECT %1%2 FROM rerank_calls WHERE 1 = 1")
                      .arg(QLatin1String(kColumns),
                           filter.withBodies ? QLatin1String(kBodyColumns) : QLatin1String());
    QVariantList binds;
    if (!filter.provider.isEmpty()) {
        sql += QStringLiteral(" AND provider = ?");
        binds.append(filter.provider);
    }
    if (!filter.status.isEmpty()) {
        sql += QStringLiteral(" AND status = ?");
        binds.append(filter.status);
    }
    if (filter.since.isValid()) {
        sql += QStringLiteral(" AND at >= ?");
        binds.append(isoTime(filter.since));
    }
    if (filter.minLatencyMs >= 0) {
        sql += QStringLiteral(" AND latency_ms >= ?");
        binds.append(filter.minLatencyMs);
    }
    sql += QStringLiteral(" ORDER BY at DESC, id DESC LIMIT ?");
    binds.append(filter.limit > 0 ? filter.limit : -1);
    auto q = exec(m_db, sql, binds);
    if (!q)
        return fail(q.error());
    QList<RerankCallRecord> calls;
    while (q->next())
        calls.append(readCall(*q, filter.withBodies));
    return calls;
}

Result<RerankCallRecord> RerankCallRepository::find(qint64 id)
{
    auto q = exec(m_db,
                  QStringLiteral("SELECT %1%2 FROM rerank_calls WHERE id = ?")
                      .arg(QLatin1String(kColumns), QLatin1String(kBodyColumns)),
                  {id});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(QStringLiteral("no rerank call %1").arg(id));
    return readCall(*q, true);
}

Result<qint64> RerankCallRepository::count()
{
    auto q = exec(m_db, QStringLiteral("SELECT COUNT(*) FROM rerank_calls"));
    if (!q)
        return fail(q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<qint64> RerankCallRepository::prune(qint64 keep)
{
    // Row ids grow with time (AUTOINCREMENT, never reused) and this is the only delete, always of
    // the oldest rows, so the ids left form one run: the newest `keep` rows are those above
    // MAX(id) - keep. Both lookups are b-tree seeks; walking `keep` rows to find the cut (rows
    // carry bodies of up to 16 KiB, so that walk reads thousands of pages) cost a tenth of the
    // process's CPU under load.
    auto q = exec(m_db, QStringLiteral("DELETE FROM rerank_calls WHERE id <= (SELECT MAX(id) FROM rerank_calls) - ?"),
                  {std::max<qint64>(0, keep)});
    if (!q)
        return fail(q.error());
    return qint64(q->numRowsAffected());
}

} // namespace rag::store
