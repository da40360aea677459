#include "cli/cli.h"

#include "api/provider_calls.h"
#include "cli/console.h"
#include "cli/number_options.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace rag::cli {

namespace {
QJsonObject hitToJson(const index::SearchHit &hit)
{
    return {{QStringLiteral("id"), hit.chunk.id},
            {QStringLiteral("document"), hit.chunk.document},
            {QStringLiteral("path"), hit.chunk.path},
            {QStringLiteral("content"), hit.chunk.content},
            {QStringLiteral("similarity"), hit.similarity},
            {QStringLiteral("term_similarity"), hit.termSimilarity},
            {QStringLiteral("vector_similarity"), hit.vectorSimilarity},
            {QStringLiteral("rerank_score"), hit.rerankScore ? QJsonValue(*hit.rerankScore) : QJsonValue()},
            {QStringLiteral("page"), hit.chunk.page > 0 ? QJsonValue(hit.chunk.page) : QJsonValue()}};
}
} // namespace

int searchCommand(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("kb"), QStringLiteral("knowledge base"));
    parser.addPositionalArgument(QStringLiteral("query"), QStringLiteral("search text"));
    parser.addOption({QStringLiteral("top-n"), QStringLiteral("results"), QStringLiteral("N")});
    parser.addOption({QStringLiteral("top-k"), QStringLiteral("candidates per index"), QStringLiteral("N")});
    parser.addOption({QStringLiteral("threshold"), QStringLiteral("similarity threshold"), QStringLiteral("X")});
    parser.addOption({QStringLiteral("vector-weight"), QStringLiteral("vector similarity weight"), QStringLiteral("X")});
    parser.addOption({QStringLiteral("reranker"), QStringLiteral("reranker"), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("rrf"), QStringLiteral("order by reciprocal-rank fusion")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    // A query may start with '-': everything after "--" is positional.
    if (!parser.parse(QStringList{QStringLiteral("search")} + args))
        return usageError(parser.errorText());
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(QStringLiteral("usage: ragdesk search KB QUERY [--top-n N] [--reranker NAME] [--json]  (quote a query of several words)"));
    const QString reranker = parser.value(QStringLiteral("reranker"));
    const bool reranks = !reranker.isEmpty() && reranker != QLatin1String("none");

    index::SearchOptions options;
    QString error;
    if (!readNumberOption(parser, QStringLiteral("top-n"), &options.topN, &error)
        || !readNumberOption(parser, QStringLiteral("top-k"), &options.topK, &error)
        || !readNumberOption(parser, QStringLiteral("threshold"), &options.similarityThreshold, &error)
        || !readNumberOption(parser, QStringLiteral("vector-weight"), &options.vectorSimilarityWeight, &error))
        return usageError(error);
    if (parser.isSet(QStringLiteral("rrf")))
        options.fusion = index::SearchOptions::Fusion::ReciprocalRank;
    if (auto valid = index::validateSearchOptions(options); !valid)
        return usageError(valid.error());

    auto kb = workspace.knowledgeBase(positional.at(0));
    if (!kb)
        return failure(kb.error());
    const bool embedsByProvider = kb->spec.embedder != index::BuiltinEmbedder::name();
    std::optional<api::ProviderCalls> providers;
    if (embedsByProvider || reranks)
        providers.emplace(workspace);
    Workspace::QueryVectors queryVectors;
    if (embedsByProvider) { // the provider embeds the query first
        auto embedded = providers->queryVectors({*kb}, positional.at(1));
        if (!embedded)
            return failure(embedded.error());
        queryVectors = *embedded;
    }
    // With a reranker, as in the chat pipeline: the best hybrid candidates, unfiltered, are
    // reranked, then the threshold and top_n apply to the reranked scores.
    index::SearchOptions candidates = options;
    if (reranks) {
        candidates.topN = search_defaults::rerankCandidates(options.topN, options.topK);
        candidates.similarityThreshold = 0;
    }
    auto result = workspace.search(positional.at(0), positional.at(1), candidates, queryVectors);
    if (!result)
        return failure(result.error());
    if (reranks) {
        auto reranked = providers->rerank(reranker, positional.at(1), result->hits, options);
        if (!reranked)
            return failure(reranked.error());
        result->hits = *reranked;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray chunks;
        for (const index::SearchHit &hit : std::as_const(result->hits))
            chunks.append(hitToJson(hit));
        outJson(QJsonDocument(QJsonObject{{QStringLiteral("chunks"), chunks}}));
        return kExitOk;
    }
    if (result->hits.isEmpty()) {
        outLine(QStringLiteral("no matches above the similarity threshold %1").arg(options.similarityThreshold));
        return kExitOk;
    }
    int rank = 0;
    for (const index::SearchHit &hit : std::as_const(result->hits)) {
        const QString where = hit.chunk.page > 0 ? QStringLiteral("%1, page %2").arg(hit.chunk.document).arg(hit.chunk.page)
                                                 : hit.chunk.document;
        const QString rerankPart = hit.rerankScore ? QStringLiteral(", rerank %1").arg(*hit.rerankScore, 0, 'f', 3) : QString();
        outLine(QStringLiteral("%1. %2  similarity %3 (term %4, vector %5%6)")
                    .arg(++rank).arg(where).arg(hit.similarity, 0, 'f', 3)
                    .arg(hit.termSimilarity, 0, 'f', 3).arg(hit.vectorSimilarity, 0, 'f', 3).arg(rerankPart));
        QString excerpt = hit.chunk.content.simplified();
        if (excerpt.size() > 300)
            excerpt = excerpt.left(297) + QStringLiteral("...");
        outLine(QStringLiteral("   ") + excerpt);
    }
    return kExitOk;
}

} // namespace rag::cli
