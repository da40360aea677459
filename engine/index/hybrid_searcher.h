// Hybrid retrieval with RAGFlow's scoring: candidates from the full-text and the vector index,
// each scored as (1 - w) * term similarity + w * vector similarity, filtered by a threshold.
// Reciprocal-rank fusion of the two candidate lists is available as an alternative order.
#pragma once

#include "core/result.h"
#include "index/builtin_embedder.h"
#include "index/term_frequency_cache.h"
#include "index/vector_index.h"
#include "store/records.h"

#include <QSqlDatabase>

namespace rag::index {

struct SearchOptions {
    enum class Fusion { Weighted, ReciprocalRank };
    int topN = 6;
    int topK = 1024;
    double similarityThreshold = 0.2;
    double vectorSimilarityWeight = 0.3;
    Fusion fusion = Fusion::Weighted;
    // Full-text candidates come from the rarest query terms whose postings (chunks containing
    // them) add up to at most this many; FTS5 scores each one. 0: 8 x top_k.
    int fullTextPostingBudget = 0;
};

struct SearchHit {
    store::ChunkView chunk;
    double similarity = 0;       // what results are ordered by
    double termSimilarity = 0;   // IDF-weighted share of the query's terms found in the chunk
    double vectorSimilarity = 0; // cosine of question and chunk embeddings
};

// Where a search spent its time, in milliseconds.
struct SearchTimings {
    double termsMs = 0;    // tokenizing, term statistics
    double fullTextMs = 0; // FTS5 candidates
    double vectorMs = 0;   // embedding the query, ANN candidates, vector similarities
    double featuresMs = 0; // reading candidates' term counts
    double scoreMs = 0;
    double fetchMs = 0;    // reading the hits shown
};

struct SearchResult {
    QList<SearchHit> hits;
    SearchTimings timings;
    qsizetype candidates = 0; // union of both candidate lists, before the threshold
};

Result<void> validateSearchOptions(const SearchOptions &options);

class HybridSearcher {
public:
    HybridSearcher(QSqlDatabase db, const VectorIndex &vectors, const BuiltinEmbedder &embedder,
                   TermFrequencyCache &frequencies);

    Result<SearchResult> search(const store::KnowledgeBase &kb, const QString &query, const SearchOptions &options) const;

private:
    QSqlDatabase m_db;
    const VectorIndex &m_vectors;
    const BuiltinEmbedder &m_embedder;
    TermFrequencyCache &m_frequencies;
};

} // namespace rag::index
