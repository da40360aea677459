// A chunk's terms with how often each occurs, packed for storage so search can compute term
// similarity without re-reading or re-tokenizing chunk text: entries of (term hash, count),
// sorted by hash, 5 bytes each (uint32 little-endian, uint8 count capped at 255).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

namespace rag::index {

// Stable across runs and builds: term hashes are stored in the database.
quint32 termHash(QStringView term);

QByteArray packTermCounts(const QStringList &tokens);
int termCount(QByteArrayView packed, quint32 hash); // 0 when the term is absent
int totalTermCount(QByteArrayView packed);         // the chunk's length in terms (counts capped)

} // namespace rag::index
