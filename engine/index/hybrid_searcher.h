// Hybrid retrieval with RAGFlow's scoring: candidates from the lexical and the vector index,
// each scored as (1 - w) * term similarity + w * vector similarity, filtered by a threshold.
// Reciprocal-rank fusion of the two candidate lists is available as an alternative order.
// How it stays cheap: docs/search.md.
#pragma once

#include "core/search_defaults.h"

#include "core/result.h"
#include "index/builtin_embedder.h"
#include "index/lexical_index.h"
#include "index/vector_index.h"
#include "store/records.h"

#include <QSqlDatabase>

#include <optional>

namespace rag::index {

struct SearchOptions {
    enum class Fusion { Weighted, ReciprocalRank };
    int topN = search_defaults::kTopN;
    int topK = search_defaults::kTopK;
    double similarityThreshold = search_defaults::kSimilarityThreshold;
    double vectorSimilarityWeight = search_defaults::kVectorSimilarityWeight;
    Fusion fusion = Fusion::Weighted;
};

struct SearchHit {
    store::ChunkView chunk;
    double similarity = 0;       // what results are ordered by
    double termSimilarity = 0;   // IDF-weighted share of the query's terms found in the chunk
    double vectorSimilarity = 0; // cosine of question and chunk embeddings
    std::optional<double> rerankScore; // a reranker's, in [0, 1], when one scored the hit
};

// Where a search spent its time, in milliseconds.
struct SearchTimings {
    double termsMs = 0;    // tokenizing, term weights, embedding the query
    double fullTextMs = 0; // term similarity of every matching chunk, the best top_k of them
    double vectorMs = 0;   // ANN candidates (waited for), vector similarities of the others
    double featuresMs = 0; // term similarity of ANN-only candidates, hybrid scores
    double scoreMs = 0;    // the best top_n
    double fetchMs = 0;    // reading the hits shown
};

struct SearchResult {
    QList<SearchHit> hits;
    SearchTimings timings;
    qsizetype candidates = 0; // union of both candidate lists, before the threshold
};

Result<void> validateSearchOptions(const SearchOptions &options);

// Best first by similarity (stable), then the leading hits at or above `threshold`, at most `topN`.
QList<SearchHit> thresholdAndTop(QList<SearchHit> hits, int topN, double threshold);
// RAGFlow's scoring with a reranker's scores (one per candidate, in order) in place of vector
// similarity: (1 - w) * term + w * rerank; then the threshold and the best top_n, best first.
QList<SearchHit> rankByRerankScores(QList<SearchHit> candidates, const QList<double> &scores, const SearchOptions &options);

class HybridSearcher {
public:
    // db: where the hits' text is read from; the indexes must describe that database's chunks.
    HybridSearcher(QSqlDatabase db, const LexicalIndex &terms, const VectorIndex &vectors,
                   const BuiltinEmbedder &embedder);

    // queryVector: the query as the knowledge base's embedding provider embedded it; null for the
    // built-in embedder, which embeds it here, weighting rare words by the index's statistics.
    Result<SearchResult> search(const QString &query, const SearchOptions &options,
                                const std::vector<float> *queryVector = nullptr) const;

private:
    QSqlDatabase m_db;
    const LexicalIndex &m_terms;
    const VectorIndex &m_vectors;
    const BuiltinEmbedder &m_embedder;
};

} // namespace rag::index
