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
// Calls visit(hash, count) for each entry, in hash order; false when the bytes are not whole
// entries (damaged), before visiting any.
template <typename Visit>
bool forEachTermCount(QByteArrayView packed, Visit visit)
{
    if (packed.size() % 5 != 0)
        return false;
    const auto *p = reinterpret_cast<const uchar *>(packed.data());
    for (qsizetype i = 0; i < packed.size(); i += 5)
        visit(quint32(p[i]) | quint32(p[i + 1]) << 8 | quint32(p[i + 2]) << 16 | quint32(p[i + 3]) << 24, int(p[i + 4]));
    return true;
}

} // namespace rag::index
