#include "serve/ragflow_wire.h"

#include "serve/bearer_auth.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace rag::serve {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray success(const QJsonValue &data)
{
    return compact({{QStringLiteral("code"), 0}, {QStringLiteral("message"), QString()}, {QStringLiteral("data"), data}});
}

QByteArray event(const QJsonValue &data)
{
    return "data:" + success(data) + "\n\n";
}

std::variant<QJsonObject, ApiError> objectOf(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return ApiError::badRequest(QStringLiteral("The body must be a JSON object%1")
                                        .arg(parseError.error != QJsonParseError::NoError
                                                 ? QStringLiteral(": %1 at byte %2").arg(parseError.errorString()).arg(parseError.offset)
                                                 : QString()));
    return document.object();
}

// A number field in [low, high], or its default when absent.
template <typename T>
std::optional<ApiError> readNumber(const QJsonObject &object, const char *name, T low, T high, T *target)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!value.isDouble() || !(number >= double(low) && number <= double(high))
        || (std::is_integral_v<T> && number != std::floor(number)))
        return ApiError::badRequest(QStringLiteral("'%1' must be a number from %2 to %3").arg(QLatin1String(name)).arg(low).arg(high),
                                    QLatin1String(name));
    *target = T(number);
    return std::nullopt;
}

QJsonObject referenceJson(const QList<store::ChatReference> &references)
{
    QJsonArray chunks;
    QJsonArray docAggs;
    QHash<QString, qsizetype> docIndex;
    for (const store::ChatReference &r : references) {
        chunks.append(QJsonObject{{QStringLiteral("id"), QString::number(r.chunkId)},
                                  {QStringLiteral("content"), r.content},
                                  {QStringLiteral("document_id"), r.document},
                                  {QStringLiteral("document_name"), r.document},
                                  {QStringLiteral("image_id"), QString()},
                                  {QStringLiteral("positions"), r.page > 0 ? QJsonArray{r.page} : QJsonArray()},
                                  {QStringLiteral("similarity"), r.similarity},
                                  {QStringLiteral("term_similarity"), r.termSimilarity},
                                  {QStringLiteral("vector_similarity"), r.vectorSimilarity}});
        if (!docIndex.contains(r.document)) {
            docIndex.insert(r.document, docAggs.size());
            docAggs.append(QJsonObject{{QStringLiteral("doc_id"), r.document}, {QStringLiteral("doc_name"), r.document},
                                       {QStringLiteral("count"), 0}});
        }
        const qsizetype at = docIndex.value(r.document);
        QJsonObject agg = docAggs.at(at).toObject();
        agg.insert(QStringLiteral("count"), agg.value(QStringLiteral("count")).toInt() + 1);
        docAggs.replace(at, agg);
    }
    return {{QStringLiteral("total"), references.size()}, {QStringLiteral("chunks"), chunks}, {QStringLiteral("doc_aggs"), docAggs}};
}

} // namespace

QString sessionToken(qint64 conversationId, const QByteArray &secret)
{
    const QByteArray tag = QMessageAuthenticationCode::hash(QByteArray::number(conversationId), secret, QCryptographicHash::Sha256);
    return QString::number(conversationId) + QLatin1Char('-') + QString::fromLatin1(tag.toHex().left(24));
}

std::variant<RagFlowCompletion, ApiError> parseRagFlowCompletion(const QString &chatId, const QByteArray &body,
                                                                 const QByteArray &sessionSecret)
{
    auto parsed = objectOf(body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return *error;
    const QJsonObject root = std::get<QJsonObject>(parsed);
    RagFlowCompletion request;
    request.chatId = chatId;
    request.sessionSecret = sessionSecret;
    request.question = root.value(QStringLiteral("question")).toString();
    if (request.question.trimmed().isEmpty())
        return ApiError::badRequest(QStringLiteral("'question' must be a non-empty string"), QStringLiteral("question"));
    const QJsonValue stream = root.value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return ApiError::badRequest(QStringLiteral("'stream' must be true or false"), QStringLiteral("stream"));
    request.stream = stream.toBool(true);
    const QJsonValue session = root.value(QStringLiteral("session_id"));
    if (!session.isUndefined() && !session.isNull() && !(session.isString() && session.toString().isEmpty())) {
        const QString token = session.toVariant().toString();
        bool ok = false;
        const qint64 id = token.section(QLatin1Char('-'), 0, 0).toLongLong(&ok);
        if (!ok || id < 1 || !constantTimeEquals(sessionToken(id, sessionSecret).toLatin1(), token.toLatin1()))
            return {ApiError{404, "invalid_request_error", "session_not_found",
                             QStringLiteral("No session '%1' in this chat for this key").arg(token.left(64)),
                             QStringLiteral("session_id"), 0}};
        request.sessionId = id;
    }
    return request;
}

std::variant<RagFlowRetrieval, ApiError> parseRagFlowRetrieval(const QByteArray &body)
{
    auto parsed = objectOf(body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return *error;
    const QJsonObject root = std::get<QJsonObject>(parsed);
    RagFlowRetrieval request;
    request.question = root.value(QStringLiteral("question")).toString();
    if (request.question.trimmed().isEmpty())
        return ApiError::badRequest(QStringLiteral("'question' must be a non-empty string"), QStringLiteral("question"));
    for (const QJsonValue &id : root.value(QStringLiteral("dataset_ids")).toArray()) {
        if (id.isString() && !id.toString().isEmpty())
            request.datasets.append(id.toString());
        else if (id.isDouble())
            request.datasets.append(QString::number(qint64(id.toDouble())));
    }
    if (request.datasets.isEmpty())
        return ApiError::badRequest(QStringLiteral("'dataset_ids' must name at least one knowledge base (name or id)"),
                                   QStringLiteral("dataset_ids"));
    request.search.similarityThreshold = 0.2; // RAGFlow's defaults for this endpoint
    request.search.vectorSimilarityWeight = 0.3;
    if (auto e = readNumber(root, "page", 1, 100000, &request.page))
        return *e;
    if (auto e = readNumber(root, "page_size", 1, 1000, &request.pageSize))
        return *e;
    if (auto e = readNumber(root, "similarity_threshold", 0.0, 1.0, &request.search.similarityThreshold))
        return *e;
    if (auto e = readNumber(root, "vector_similarity_weight", 0.0, 1.0, &request.search.vectorSimilarityWeight))
        return *e;
    if (auto e = readNumber(root, "top_k", 1, 10000, &request.search.topK))
        return *e;
    // Enough hits for the page asked for; the search never returns more than top_k.
    request.search.topN = std::min(request.search.topK, request.page * request.pageSize);
    return request;
}

QByteArray retrievalBody(const QList<index::SearchHit> &page, const QList<qint64> &kbIds, qsizetype total)
{
    QJsonArray chunks;
    QJsonArray docAggs;
    QHash<QString, qsizetype> docIndex;
    for (qsizetype i = 0; i < page.size(); ++i) {
        const index::SearchHit &hit = page.at(i);
        chunks.append(QJsonObject{{QStringLiteral("id"), QString::number(hit.chunk.id)},
                                  {QStringLiteral("content"), hit.chunk.content},
                                  {QStringLiteral("document_id"), hit.chunk.path},
                                  {QStringLiteral("document_keyword"), hit.chunk.document},
                                  {QStringLiteral("highlight"), hit.chunk.content},
                                  {QStringLiteral("image_id"), QString()},
                                  {QStringLiteral("important_keywords"), QJsonArray()},
                                  {QStringLiteral("kb_id"), QString::number(kbIds.value(i))},
                                  {QStringLiteral("positions"), hit.chunk.page > 0 ? QJsonArray{hit.chunk.page} : QJsonArray()},
                                  {QStringLiteral("similarity"), hit.similarity},
                                  {QStringLiteral("term_similarity"), hit.termSimilarity},
                                  {QStringLiteral("vector_similarity"), hit.vectorSimilarity}});
        if (!docIndex.contains(hit.chunk.path)) {
            docIndex.insert(hit.chunk.path, docAggs.size());
            docAggs.append(QJsonObject{{QStringLiteral("doc_id"), hit.chunk.path}, {QStringLiteral("doc_name"), hit.chunk.document},
                                       {QStringLiteral("count"), 0}});
        }
        const qsizetype at = docIndex.value(hit.chunk.path);
        QJsonObject agg = docAggs.at(at).toObject();
        agg.insert(QStringLiteral("count"), agg.value(QStringLiteral("count")).toInt() + 1);
        docAggs.replace(at, agg);
    }
    return success(QJsonObject{{QStringLiteral("chunks"), chunks}, {QStringLiteral("doc_aggs"), docAggs},
                               {QStringLiteral("total"), total}})
        + '\n';
}

int ragFlowCode(const ApiError &error)
{
    switch (error.status) {
    case 400: return 101;
    case 401: return 109;
    case 404: return 102;
    default: return error.status;
    }
}

QByteArray ragFlowErrorBody(const ApiError &error)
{
    return compact({{QStringLiteral("code"), ragFlowCode(error)}, {QStringLiteral("message"), error.message}}) + '\n';
}

RagFlowFormat::RagFlowFormat(const RagFlowCompletion &request)
    : m_chatId(request.chatId), m_sessionId(request.sessionId), m_secret(request.sessionSecret)
{
    QByteArray random(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(random.data()), 4);
    m_id = QString::fromLatin1(random.toHex());
}

QJsonObject RagFlowFormat::answerData(const QString &answer, const QJsonObject &reference, qint64 sessionId) const
{
    return {{QStringLiteral("answer"), answer},
            {QStringLiteral("reference"), reference},
            {QStringLiteral("audio_binary"), QJsonValue()},
            {QStringLiteral("id"), m_id},
            {QStringLiteral("session_id"), sessionId > 0 ? QJsonValue(sessionToken(sessionId, m_secret)) : QJsonValue()}};
}

QByteArray RagFlowFormat::deltaEvent(const QString &delta)
{
    m_answer += delta;
    return event(answerData(m_answer, {}, m_sessionId));
}

QByteArray RagFlowFormat::finalEvents(const chat::AskResult &result)
{
    return event(answerData(result.answer, referenceJson(result.references), result.conversationId)) + event(true);
}

QByteArray RagFlowFormat::body(const chat::AskResult &result)
{
    return success(answerData(result.answer, referenceJson(result.references), result.conversationId)) + '\n';
}

QByteArray RagFlowFormat::errorBody(const ApiError &error)
{
    return ragFlowErrorBody(error);
}

QByteArray RagFlowFormat::errorEvent(const ApiError &error)
{
    return "data:" + compact({{QStringLiteral("code"), ragFlowCode(error)}, {QStringLiteral("message"), error.message},
                              {QStringLiteral("data"), QJsonObject{{QStringLiteral("answer"), QStringLiteral("**ERROR**: ") + error.message},
                                                                   {QStringLiteral("reference"), QJsonObject()}}}})
        + "\n\n";
}

ApiError RagFlowFormat::errorFromAnswer(const Error &engineError)
{
    ApiError error = serve::errorFromAnswer(engineError, m_chatId);
    if (error.code == "model_not_found")
        error.message = QStringLiteral("You don't own the chat %1 (no assistant has that name or id)").arg(m_chatId);
    if (engineError.kind == ErrorKind::ConversationNotFound)
        error = {404, "invalid_request_error", "session_not_found",
                 QStringLiteral("No session %1 in chat %2").arg(sessionToken(m_sessionId, m_secret), m_chatId),
                 QStringLiteral("session_id"), 0};
    return error;
}

chat::AskOptions askOptionsFor(const RagFlowCompletion &request, std::chrono::milliseconds deadline)
{
    chat::AskOptions ask;
    ask.question = request.question;
    ask.assistant = request.chatId;
    ask.conversationId = request.sessionId;
    ask.save = true;
    ask.deadline = deadline;
    return ask;
}

} // namespace rag::serve
