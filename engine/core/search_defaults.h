// The retrieval defaults (RAGFlow's): one place for the search options and the assistant settings
// that start from them, so a search from the command line and an assistant's search agree.
#pragma once

namespace rag::search_defaults {

inline constexpr int kTopN = 6;       // results kept (and chunks offered to the prompt)
inline constexpr int kTopK = 1024;    // candidates each index contributes
inline constexpr double kSimilarityThreshold = 0.2;
inline constexpr double kVectorSimilarityWeight = 0.3;

} // namespace rag::search_defaults
