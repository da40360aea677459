// English function words ("the", "of", "how", ...) say little about what a text is about. Search
// damps them both in query term weights and in embeddings, so that in a small knowledge base,
// where IDF cannot tell them apart from content words, they do not decide the ranking.
#pragma once

#include <QString>

namespace rag::text {

inline constexpr float kFunctionWordWeight = 0.1f;

// Takes a token as the tokenizer emits it (case-folded, stemmed).
bool isFunctionWord(const QString &token);

} // namespace rag::text
