// The one tokenizer behind full-text indexing, term similarity and the built-in embedder:
// case-folded, NFKC-normalised words of letters and digits, English words lightly stemmed
// (plurals, -ed, -ing); CJK runs become single characters plus bigrams, so Chinese, Japanese and
// Korean text is searchable without a dictionary.
#pragma once

#include <QStringList>
#include <QStringView>

#include <functional>

namespace rag::text {

inline constexpr int kMaxTermLength = 64;

QStringList tokenize(QStringView text);
// The same terms, handed to `visit` one at a time without a string allocated for each: the view
// is valid only during the call. For hot paths that hash or compare terms and keep none.
void forEachToken(QStringView text, const std::function<void(QStringView)> &visit);
// The same, for matching a text against a few known terms: ASCII words whose first letter's bit
// (asciiTermBit) is not in `firstLetters` are passed over before they are lowered and stemmed,
// which never changes a word's first letter, so no term that could match is lost. Other words and
// CJK runs are always visited. Returns how many words were passed over (one term each).
qsizetype forEachTokenStartingWith(QStringView text, quint64 firstLetters,
                                   const std::function<void(QStringView)> &visit);
// The bit of a term's first character in such a set: ASCII letters (either case) and digits have
// one each; any other character has none.
quint64 asciiTermBit(QChar first);
bool isCjk(char32_t codePoint);

} // namespace rag::text
