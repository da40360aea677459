// The one tokenizer behind full-text indexing, term similarity and the built-in embedder:
// case-folded words of letters and digits; CJK runs become single characters plus bigrams,
// so Chinese, Japanese and Korean text is searchable without a dictionary.
#pragma once

#include <QByteArray>
#include <QStringList>
#include <QStringView>

namespace rag::index {

inline constexpr int kMaxTermLength = 64;

QStringList tokenize(QStringView text);
bool isCjk(char32_t codePoint);

// Stable across runs and builds: term hashes are stored in the database.
quint32 termHash(QStringView term);

// Sorted unique term hashes, packed as little-endian uint32 for storage.
QByteArray termHashSet(const QStringList &terms);
bool termHashSetContains(const QByteArray &set, quint32 hash);

} // namespace rag::index
