// Rerank requests (one body per kind, TEI in batches), scattering replies and local token counts.
// The reply parser lives in rerank_reply.cpp.
#include "providers/wire/rerank_wire.h"

#include "text/token_counter.h"
#include "providers/wire/json_writer.h"
#include "providers/wire/provider_endpoints.h"
#include "providers/wire/score_normalizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rag::providers {

namespace {

// Client-side truncation limits in tokens (docs/providers.md, "Rerankers" table); 0 means none.
// Servers reject or silently cut overlong texts, and a 400 for one long chunk would lose the whole
// rerank.
int truncationLimit(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::Jina:
    case ProviderKind::Novita:
    case ProviderKind::Gitee:
    case ProviderKind::Jiekou:
        return 8192;
    case ProviderKind::OpenAiCompatible:
        return 500;
    case ProviderKind::Xinference:
        return 4096;
    default:
        return 0;
    }
}

QString truncateToTokens(const QString &text, int limit)
{
    if (limit <= 0)
        return text;
    const qsizetype keep = text::tokenPrefixLength(text, limit);
    return keep == text.size() ? text : text.left(keep);
}

QStringList documentsAsSent(const RerankInput &input)
{
    const int limit = truncationLimit(input.kind);
    if (limit <= 0)
        return input.documents;
    QStringList out;
    out.reserve(input.documents.size());
    for (const QString &doc : input.documents)
        out.append(truncateToTokens(doc, limit));
    return out;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray teiBody(const QString &query, const QStringList &texts)
{
    return wire::compactWithStringArray(QJsonObject{
                                      {QStringLiteral("query"), query},
                                      {QStringLiteral("raw_scores"), false},
                                      {QStringLiteral("truncate"), true},
                                  },
                                  QLatin1StringView("texts"), texts);
}

QByteArray rerankBody(const RerankInput &input, const QStringList &docs)
{
    const QString model = wireModelName(input.kind, input.model);
    const int n = int(docs.size());
    switch (input.kind) {
    case ProviderKind::Nvidia: {
        QJsonArray passages;
        for (const QString &doc : docs)
            passages.append(QJsonObject{{QStringLiteral("text"), doc}});
        return compact(QJsonObject{
            {QStringLiteral("model"), model},
            {QStringLiteral("query"), QJsonObject{{QStringLiteral("text"), input.query}}},
            {QStringLiteral("passages"), passages},
            {QStringLiteral("truncate"), QStringLiteral("END")},
            {QStringLiteral("top_n"), n},
        });
    }
    case ProviderKind::DashScope:
        return compact(QJsonObject{
            {QStringLiteral("model"), model},
            {QStringLiteral("input"),
             QJsonObject{{QStringLiteral("query"), input.query},
                         {QStringLiteral("documents"), QJsonArray::fromStringList(docs)}}},
            {QStringLiteral("parameters"),
             QJsonObject{{QStringLiteral("top_n"), n}, {QStringLiteral("return_documents"), false}}},
        });
    default:
        break;
    }
    QJsonObject body{
        {QStringLiteral("model"), model},
        {QStringLiteral("query"), input.query},
    };
    switch (input.kind) {
    case ProviderKind::Xinference:
        // Xinference's API takes these flags as strings (RAGFlow sends them so) and no top_n:
        // it returns every document by default.
        body.insert(QStringLiteral("return_documents"), QStringLiteral("true"));
        body.insert(QStringLiteral("return_len"), QStringLiteral("true"));
        break;
    case ProviderKind::Voyage:
        body.insert(QStringLiteral("top_k"), n);
        break;
    case ProviderKind::Cohere:
        body.insert(QStringLiteral("top_n"), n);
        body.insert(QStringLiteral("return_documents"), false);
        break;
    case ProviderKind::SiliconFlow:
        body.insert(QStringLiteral("top_n"), n);
        body.insert(QStringLiteral("return_documents"), false);
        body.insert(QStringLiteral("max_chunks_per_doc"), 1024);
        body.insert(QStringLiteral("overlap_tokens"), 80);
        break;
    default: // the Jina family: Jina, Novita, Gitee, Jiekou, OpenAI-compatible, LocalAI, GPUStack
        body.insert(QStringLiteral("top_n"), n);
        break;
    }
    return wire::compactWithStringArray(body, QLatin1StringView("documents"), docs);
}

} // namespace

QList<RerankBatch> buildRerankRequests(const RerankInput &input)
{
    QList<RerankBatch> batches;
    const QUrl url = rerankUrl(input.kind, input.baseUrl, input.model);
    if (!url.isValid() || url.isEmpty() || input.documents.isEmpty())
        return batches;
    const QStringList docs = documentsAsSent(input);
    const int total = int(docs.size());
    if (input.kind == ProviderKind::Tei) {
        for (int offset = 0; offset < total; offset += kTeiBatchSize) {
            const int count = std::min(kTeiBatchSize, total - offset);
            batches.append(RerankBatch{WireRequest{url, teiBody(input.query, docs.mid(offset, count)), false},
                                       offset, count});
        }
        return batches;
    }
    const bool sendAuth = input.kind != ProviderKind::Xinference;
    batches.append(RerankBatch{WireRequest{url, rerankBody(input, docs), sendAuth}, 0, total});
    return batches;
}

QList<double> combineRerankScores(int documentCount, const QList<RerankBatch> &batches,
                                  const QList<RerankReply> &replies)
{
    QList<double> raw(std::max(documentCount, 0), 0.0);
    QList<bool> seen(raw.size(), false);
    const qsizetype n = std::min(batches.size(), replies.size());
    for (qsizetype b = 0; b < n; ++b) {
        const RerankBatch &batch = batches.at(b);
        for (const auto &[index, score] : replies.at(b).scores) {
            const qsizetype at = qsizetype(batch.offset) + index;
            if (index < 0 || index >= batch.count || at < 0 || at >= raw.size())
                continue; // the parser rejects these; a hand-made reply must not write elsewhere
            raw[at] = score;
            seen[at] = true;
        }
    }
    // Normalise the scores the providers returned, all batches together (per-batch min-max would
    // make batches incomparable); a document with no score then gets 0, the bottom of the scale,
    // whatever the raw range was.
    QList<double> present;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (seen.at(i))
            present.append(raw.at(i));
    }
    const QList<double> normalised = normalizeScores(present);
    QList<double> out(raw.size(), 0.0);
    qsizetype next = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (seen.at(i))
            out[i] = normalised.at(next++);
    }
    return out;
}

qint64 countRerankTokens(const RerankInput &input)
{
    qint64 tokens = text::countTokens(input.query);
    for (const QString &doc : documentsAsSent(input))
        tokens += text::countTokens(doc);
    return tokens;
}

} // namespace rag::providers
