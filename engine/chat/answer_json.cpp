#include "chat/answer_json.h"

#include <QJsonObject>

namespace rag::chat {

QJsonArray referencesToJson(const QList<store::ChatReference> &references)
{
    QJsonArray array;
    for (const store::ChatReference &r : references)
        array.append(QJsonObject{{QStringLiteral("index"), r.index},
                                 {QStringLiteral("chunk_id"), r.chunkId},
                                 {QStringLiteral("document"), r.document},
                                 {QStringLiteral("content"), r.content},
                                 {QStringLiteral("page"), r.page > 0 ? QJsonValue(r.page) : QJsonValue()},
                                 {QStringLiteral("similarity"), r.similarity},
                                 {QStringLiteral("term_similarity"), r.termSimilarity},
                                 {QStringLiteral("vector_similarity"), r.vectorSimilarity}});
    return array;
}

} // namespace rag::chat
