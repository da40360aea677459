#include "store/rerank_call_json.h"

#include <QJsonArray>

namespace rag::store {

QJsonObject rerankCallToJson(const RerankCallRecord &c, bool withBodies)
{
    QJsonArray scores;
    for (double s : c.topScores)
        scores.append(s);
    QJsonObject json{{QStringLiteral("id"), c.id},
                     {QStringLiteral("at"), c.at.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("provider"), c.provider},
                     {QStringLiteral("model"), c.model},
                     {QStringLiteral("endpoint"), c.endpoint},
                     {QStringLiteral("mode"), c.mode},
                     {QStringLiteral("thread"), c.thread},
                     {QStringLiteral("documents"), c.documents},
                     {QStringLiteral("bytes"), c.bytes},
                     {QStringLiteral("attempts"), c.attempts},
                     {QStringLiteral("http_status"), c.httpStatus},
                     {QStringLiteral("status"), c.ok ? QStringLiteral("ok") : QStringLiteral("error")},
                     {QStringLiteral("latency_ms"), c.latencyMs},
                     {QStringLiteral("error"), c.error.isEmpty() ? QJsonValue() : QJsonValue(c.error)},
                     {QStringLiteral("tokens"), c.tokens},
                     {QStringLiteral("top_scores"), scores}};
    if (withBodies) {
        json.insert(QStringLiteral("request_body"), c.requestBody);
        json.insert(QStringLiteral("response_body"), c.responseBody);
        QJsonArray chunkIds;
        for (qint64 id : c.chunkIds)
            chunkIds.append(id);
        QJsonArray all;
        for (double s : c.scores)
            all.append(s);
        json.insert(QStringLiteral("query"), c.query);
        json.insert(QStringLiteral("chunk_ids"), chunkIds);
        json.insert(QStringLiteral("scores"), all);
    }
    return json;
}

QStringList rerankCallJsonFields(bool withBodies)
{
    QStringList fields{QStringLiteral("id"),        QStringLiteral("at"),          QStringLiteral("provider"),
                       QStringLiteral("model"),     QStringLiteral("endpoint"),    QStringLiteral("mode"),
                       QStringLiteral("thread"),    QStringLiteral("documents"),   QStringLiteral("bytes"),
                       QStringLiteral("attempts"),  QStringLiteral("http_status"), QStringLiteral("status"),
                       QStringLiteral("latency_ms"), QStringLiteral("error"),      QStringLiteral("tokens"),
                       QStringLiteral("top_scores")};
    if (withBodies)
        fields << QStringLiteral("request_body") << QStringLiteral("response_body") << QStringLiteral("query")
               << QStringLiteral("chunk_ids") << QStringLiteral("scores");
    return fields;
}

} // namespace rag::store
