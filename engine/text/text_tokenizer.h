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
bool isCjk(char32_t codePoint);

} // namespace rag::text
