// Every provider reply parser (providers/wire): rerank replies of every kind, embedding replies,
// non-streaming chat replies and providers' error bodies; and under all of them core's JSON reader.
// Input: a byte choosing the parser (bits 0-1) and the provider kind (bits 2-5), a byte giving
// the number of documents or inputs the reply answers, then the body.
// A reply may be refused, never crash, and what is accepted keeps the parsers' promises.
#include "fuzz_support.h"

#include "core/json_reader.h"
#include "providers/wire/chat_wire.h"
#include "providers/wire/embedding_wire.h"
#include "providers/wire/rerank_wire.h"

#include <QJsonDocument>
#include <QSet>

#include <cmath>

using namespace rag::providers;

namespace {

// readJsonObject() promises to accept only what QJsonDocument::fromJson() reads as an object,
// and to read the same object: equal, and written back the same (Qt's == takes 1.0 for 1, which
// the written form does not).
void checkJsonReader(const QByteArray &body)
{
    const std::optional<QJsonObject> ours = rag::readJsonObject(body);
    if (!ours)
        return;
    QJsonParseError error;
    const QJsonDocument qts = QJsonDocument::fromJson(body, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError);
    FUZZ_CHECK(qts.isObject());
    FUZZ_CHECK(qts.object() == *ours);
    FUZZ_CHECK(qts.toJson(QJsonDocument::Compact) == QJsonDocument(*ours).toJson(QJsonDocument::Compact));
}

void checkRerank(ProviderKind kind, const QByteArray &body, int count)
{
    const auto reply = parseRerankReply(kind, body, count);
    if (!reply) {
        FUZZ_CHECK(reply.error().startsWith(kindName(kind) + QStringLiteral(" rerank reply")));
        return;
    }
    QSet<int> seen;
    for (const auto &[index, score] : reply->scores) {
        FUZZ_CHECK(index >= 0 && index < count);
        FUZZ_CHECK(!seen.contains(index));
        seen.insert(index);
        FUZZ_CHECK(std::isfinite(score));
    }
    FUZZ_CHECK(!reply->totalTokens || *reply->totalTokens >= 0);
    // What the reranker does next: one normalised score per document, each in [0, 1].
    const RerankBatch batch{WireRequest{}, 0, count};
    const QList<double> combined = combineRerankScores(count, {batch}, {*reply});
    FUZZ_CHECK(combined.size() == count);
    for (double score : combined)
        FUZZ_CHECK(score >= 0.0 && score <= 1.0); // false for NaN too
}

void checkEmbeddings(ProviderKind kind, const QByteArray &body, int expected)
{
    const auto vectors = parseEmbeddingReply(kind, body, expected);
    if (!vectors) {
        FUZZ_CHECK(vectors.error().startsWith(kindName(kind) + QStringLiteral(" embeddings reply")));
        return;
    }
    FUZZ_CHECK(int(vectors->size()) == expected);
    for (const std::vector<float> &vector : *vectors) {
        FUZZ_CHECK(!vector.empty());
        FUZZ_CHECK(vector.size() == vectors->front().size());
        for (float x : vector)
            FUZZ_CHECK(std::isfinite(x)); // "an array of finite numbers", as floats
    }
}

void checkChat(ProviderKind kind, const QByteArray &body)
{
    const auto reply = parseChatCompletion(kind, body);
    if (!reply)
        FUZZ_CHECK(reply.error().startsWith(kindName(kind) + QStringLiteral(" chat ")));
}

void checkErrorMessage(const QByteArray &body)
{
    // Some message for any body but a blank one (then the caller says what happened instead).
    const QString message = providerErrorMessage(body);
    FUZZ_CHECK(message.isEmpty() == QString::fromUtf8(body).trimmed().isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const ProviderKind kind = ProviderKind((data[0] >> 2) & 15);
    const int count = data[1];
    const QByteArray body(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    checkJsonReader(body);
    switch (data[0] & 3) {
    case 0:
        checkRerank(kind, body, count);
        break;
    case 1:
        checkEmbeddings(kind, body, count & 15);
        break;
    case 2:
        checkChat(kind, body);
        break;
    default:
        checkErrorMessage(body);
        break;
    }
    return 0;
}
