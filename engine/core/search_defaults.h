// The retrieval defaults (RAGFlow's): one place for the search options and the assistant settings
// that start from them, so a search from the command line and an assistant's search agree.
#pragma once

namespace rag::search_defaults {

inline constexpr int kTopN = 6;       // results kept (and chunks offered to the prompt)
inline constexpr int kTopK = 1024;    // candidates each index contributes
inline constexpr double kSimilarityThreshold = 0.2;
inline constexpr double kVectorSimilarityWeight = 0.3;

// How many hybrid candidates go to a reranker: it reads every text it gets, so the best few dozen
// carry the answer (RAGFlow reranks a page of 64), and a thousand would cost seconds at any provider.
inline constexpr int rerankCandidates(int topN, int topK)
{
    const int wanted = topN * 8 > 64 ? topN * 8 : 64;
    return wanted < topK ? wanted : topK;
}

} // namespace rag::search_defaults
