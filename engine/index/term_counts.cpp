#include "index/term_counts.h"

#include <algorithm>
#include <vector>

namespace rag::index {

namespace {
constexpr qsizetype kEntry = 5;

quint32 hashAt(const uchar *p)
{
    return quint32(p[0]) | quint32(p[1]) << 8 | quint32(p[2]) << 16 | quint32(p[3]) << 24;
}
} // namespace

quint32 termHash(QStringView term)
{
    // FNV-1a over UTF-16 code units.
    quint32 hash = 2166136261u;
    for (QChar c : term) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return hash;
}

QByteArray packTermCounts(const QStringList &tokens)
{
    std::vector<quint32> hashes;
    hashes.reserve(size_t(tokens.size()));
    for (const QString &token : tokens)
        hashes.push_back(termHash(token));
    std::sort(hashes.begin(), hashes.end());
    QByteArray packed;
    packed.reserve(qsizetype(hashes.size()) * kEntry);
    for (size_t i = 0; i < hashes.size();) {
        size_t j = i;
        while (j < hashes.size() && hashes[j] == hashes[i])
            ++j;
        const quint32 h = hashes[i];
        const char entry[kEntry] = {char(h), char(h >> 8), char(h >> 16), char(h >> 24), char(std::min<size_t>(j - i, 255))};
        packed.append(entry, kEntry);
        i = j;
    }
    return packed;
}

int termCount(QByteArrayView packed, quint32 hash)
{
    const uchar *base = reinterpret_cast<const uchar *>(packed.constData());
    qsizetype lo = 0;
    qsizetype hi = packed.size() / kEntry;
    while (lo < hi) {
        const qsizetype mid = (lo + hi) / 2;
        const quint32 value = hashAt(base + mid * kEntry);
        if (value == hash)
            return base[mid * kEntry + 4];
        if (value < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int totalTermCount(QByteArrayView packed)
{
    int total = 0;
    const uchar *base = reinterpret_cast<const uchar *>(packed.constData());
    for (qsizetype i = 4; i < packed.size(); i += kEntry)
        total += base[i];
    return total;
}

} // namespace rag::index
