#include "index/lexical_index.h"

#include "index/term_counts.h"

#include <QFile>
#include <QSaveFile>

#include <algorithm>
#include <array>
#include <cstring>

namespace rag::index {

// The file is the in-memory layout: this header, then chunk ids, chunk lengths, term hashes
// (ascending), posting offsets per term, posting ordinals and posting counts, each array starting
// on an 8-byte boundary. Little-endian, like every machine ragdesk builds for.
struct LexicalIndex::Header {
    char magic[8];
    quint32 version;
    quint32 reserved;
    qint64 chunks;
    qint64 maxChunkId;
    qint64 termTotal;
    quint64 terms;
    quint64 postings;
    qint64 stampChunks; // the knowledge base's chunk count when built (LexicalStamp)
};
static_assert(sizeof(LexicalIndex::Header) == 64);

namespace {
constexpr char kMagic[8] = {'R', 'D', 'L', 'E', 'X', 'I', 'D', 'X'};
constexpr quint32 kVersion = 1;
constexpr quint64 kMaxChunks = 1u << 24; // ordinals share a 64-bit sort key with hash and count

constexpr quint64 align8(quint64 n) { return (n + 7) & ~quint64(7); }

struct Layout {
    quint64 ids, lengths, hashes, offsets, ordinals, counts, total;
};

Layout layoutFor(quint64 chunks, quint64 terms, quint64 postings)
{
    Layout l{};
    l.ids = sizeof(LexicalIndex::Header);
    l.lengths = l.ids + 8 * chunks;
    l.hashes = align8(l.lengths + 4 * chunks);
    l.offsets = align8(l.hashes + 4 * terms);
    l.ordinals = l.offsets + 8 * (terms + 1);
    l.counts = l.ordinals + 4 * postings;
    l.total = align8(l.counts + postings);
    return l;
}

// Stable LSD radix sort on the upper 32 bits (the term hash): entries were added in chunk
// order, so each term's postings come out in chunk order too.
void sortByHash(std::vector<quint64> &entries)
{
    std::vector<quint64> buffer(entries.size());
    constexpr std::array<int, 3> kShifts = {32, 43, 54};
    constexpr std::array<int, 3> kBits = {11, 11, 10};
    for (size_t pass = 0; pass < kShifts.size(); ++pass) {
        const int shift = kShifts[pass];
        const quint64 mask = (quint64(1) << kBits[pass]) - 1;
        std::vector<size_t> start(size_t(mask) + 2, 0);
        for (quint64 e : entries)
            ++start[size_t((e >> shift) & mask) + 1];
        for (size_t i = 1; i < start.size(); ++i)
            start[i] += start[i - 1];
        for (quint64 e : entries)
            buffer[start[size_t((e >> shift) & mask)]++] = e;
        entries.swap(buffer);
    }
}
} // namespace

Result<void> LexicalIndex::Builder::add(qint64 chunkId, QByteArrayView termCounts, qint64 termTotal)
{
    if (m_ids.size() >= kMaxChunks)
        return fail(QStringLiteral("a knowledge base holds at most %1 chunks").arg(kMaxChunks));
    if (!m_ids.empty() && chunkId <= m_ids.back())
        return fail(QStringLiteral("chunk %1 came out of order").arg(chunkId));
    const quint64 ordinal = m_ids.size();
    int length = 0;
    const bool whole = forEachTermCount(termCounts, [&](quint32 hash, int count) {
        m_entries.push_back(quint64(hash) << 32 | ordinal << 8 | quint64(count));
        length += count;
    });
    if (!whole)
        return fail(QStringLiteral("chunk %1 has damaged term counts").arg(chunkId));
    m_ids.push_back(chunkId);
    m_lengths.push_back(float(length));
    m_termTotal += termTotal;
    return {};
}

std::shared_ptr<const LexicalIndex> LexicalIndex::Builder::finish(LexicalStamp stamp)
{
    sortByHash(m_entries);
    quint64 terms = 0;
    for (size_t i = 0; i < m_entries.size(); ++i)
        terms += (i == 0 || (m_entries[i] >> 32) != (m_entries[i - 1] >> 32)) ? 1 : 0;
    const quint64 chunks = m_ids.size();
    const quint64 postings = m_entries.size();
    const Layout layout = layoutFor(chunks, terms, postings);

    std::shared_ptr<LexicalIndex> index(new LexicalIndex);
    index->m_owned.assign(layout.total / 8, 0);
    char *base = reinterpret_cast<char *>(index->m_owned.data());
    Header header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.version = kVersion;
    header.chunks = qint64(chunks);
    header.maxChunkId = stamp.maxChunkId;
    header.stampChunks = stamp.chunks;
    header.termTotal = m_termTotal;
    header.terms = terms;
    header.postings = postings;
    std::memcpy(base, &header, sizeof header);
    // A knowledge base with no chunk has empty arrays, whose data() may be null: memcpy may not be
    // given that, even for zero bytes.
    if (chunks > 0) {
        std::memcpy(base + layout.ids, m_ids.data(), 8 * chunks);
        std::memcpy(base + layout.lengths, m_lengths.data(), 4 * chunks);
    }
    auto *hashes = reinterpret_cast<quint32 *>(base + layout.hashes);
    auto *offsets = reinterpret_cast<quint64 *>(base + layout.offsets);
    auto *ordinals = reinterpret_cast<quint32 *>(base + layout.ordinals);
    auto *counts = reinterpret_cast<quint8 *>(base + layout.counts);
    quint64 term = 0;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const quint64 e = m_entries[i];
        if (i == 0 || (e >> 32) != (m_entries[i - 1] >> 32)) {
            hashes[term] = quint32(e >> 32);
            offsets[term++] = i;
        }
        ordinals[i] = quint32((e >> 8) & 0xffffff);
        counts[i] = quint8(e & 0xff);
    }
    offsets[terms] = postings;
    m_entries = {};
    m_ids = {};
    m_lengths = {};
    index->m_bytes = QByteArrayView(base, qsizetype(layout.total));
    (void)index->attach(); // consistent by construction
    return index;
}

LexicalIndex::~LexicalIndex() = default;

Result<std::shared_ptr<const LexicalIndex>> LexicalIndex::load(const QString &path)
{
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open the search index %1: %2").arg(path, file->errorString()));
    if (file->size() < qint64(sizeof(Header)))
        return fail(QStringLiteral("the search index %1 is truncated").arg(path));
    uchar *mapped = file->map(0, file->size());
    if (!mapped)
        return fail(QStringLiteral("cannot map the search index %1: %2").arg(path, file->errorString()));
    std::shared_ptr<LexicalIndex> index(new LexicalIndex);
    index->m_bytes = QByteArrayView(reinterpret_cast<const char *>(mapped), file->size());
    index->m_file = std::move(file);
    if (auto attached = index->attach(); !attached)
        return fail(QStringLiteral("the search index %1 is damaged: %2").arg(path, attached.error()));
    return std::shared_ptr<const LexicalIndex>(std::move(index));
}

Result<void> LexicalIndex::attach()
{
    const auto *header = reinterpret_cast<const Header *>(m_bytes.data());
    if (std::memcmp(header->magic, kMagic, sizeof kMagic) != 0 || header->version != kVersion)
        return fail(QStringLiteral("not a search index of this version"));
    if (header->chunks < 0 || quint64(header->chunks) > kMaxChunks || header->terms > quint64(m_bytes.size())
        || header->postings > quint64(m_bytes.size()))
        return fail(QStringLiteral("impossible sizes"));
    const Layout layout = layoutFor(quint64(header->chunks), header->terms, header->postings);
    if (layout.total != quint64(m_bytes.size()))
        return fail(QStringLiteral("its size does not match its header"));
    const char *base = m_bytes.data();
    m_header = header;
    m_ids = reinterpret_cast<const qint64 *>(base + layout.ids);
    m_lengths = reinterpret_cast<const float *>(base + layout.lengths);
    m_termHashes = reinterpret_cast<const quint32 *>(base + layout.hashes);
    m_offsets = reinterpret_cast<const quint64 *>(base + layout.offsets);
    m_ordinals = reinterpret_cast<const quint32 *>(base + layout.ordinals);
    m_counts = reinterpret_cast<const quint8 *>(base + layout.counts);
    // Every index a search follows is checked once here, so a damaged file cannot make a
    // search read outside it.
    const quint64 chunks = quint64(header->chunks);
    for (quint64 i = 1; i < chunks; ++i) {
        if (m_ids[i] <= m_ids[i - 1])
            return fail(QStringLiteral("chunk ids out of order"));
    }
    if (m_offsets[0] != 0 || m_offsets[header->terms] != header->postings)
        return fail(QStringLiteral("posting offsets out of range"));
    for (quint64 t = 0; t < header->terms; ++t) {
        if (m_offsets[t + 1] <= m_offsets[t] || (t > 0 && m_termHashes[t] <= m_termHashes[t - 1]))
            return fail(QStringLiteral("terms out of order"));
    }
    for (quint64 p = 0; p < header->postings; ++p) {
        if (m_ordinals[p] >= chunks)
            return fail(QStringLiteral("a posting names no chunk"));
    }
    return {};
}

Result<void> LexicalIndex::save(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write the search index %1: %2").arg(path, file.errorString()));
    if (file.write(m_bytes.data(), m_bytes.size()) != m_bytes.size() || !file.commit())
        return fail(QStringLiteral("cannot write the search index %1: %2").arg(path, file.errorString()));
    return {};
}

LexicalStamp LexicalIndex::stamp() const
{
    return {m_header->stampChunks, m_header->maxChunkId};
}

quint32 LexicalIndex::chunkCount() const
{
    return quint32(m_header->chunks);
}

qint64 LexicalIndex::termTotal() const
{
    return m_header->termTotal;
}

std::optional<quint32> LexicalIndex::ordinalOf(qint64 chunkId) const
{
    const qint64 *end = m_ids + m_header->chunks;
    const qint64 *it = std::lower_bound(m_ids, end, chunkId);
    if (it == end || *it != chunkId)
        return std::nullopt;
    return quint32(it - m_ids);
}

LexicalIndex::Postings LexicalIndex::postings(quint32 termHash) const
{
    const quint32 *end = m_termHashes + m_header->terms;
    const quint32 *it = std::lower_bound(m_termHashes, end, termHash);
    if (it == end || *it != termHash)
        return {};
    const size_t term = size_t(it - m_termHashes);
    const quint64 from = m_offsets[term];
    return {m_ordinals + from, m_counts + from, quint32(m_offsets[term + 1] - from)};
}

} // namespace rag::index
