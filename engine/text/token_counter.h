// Counts tokens the way chunk budgets are meant: close to what a BPE tokenizer (cl100k-like)
// gives, without shipping one. Rules: a word of letters or digits costs 1 token plus 1 for every
// further 8 characters; every CJK character costs 1 (BPE vocabularies rarely merge them); every
// other visible symbol costs 1; whitespace is free.
#pragma once

#include <QStringView>

namespace rag::text {

int countTokens(QStringView text);
// The length of the longest prefix of text that costs at most `limit` tokens (never splitting a
// surrogate pair), in one pass: what a provider's per-document token limit keeps.
qsizetype tokenPrefixLength(QStringView text, int limit);

} // namespace rag::text
