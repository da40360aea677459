// An inverted index of one knowledge base's chunk terms: for every term hash, the chunks that hold
// it with how often. Derived from the database's chunk_terms rows (the source of truth) and saved
// as a file that is mapped, not parsed, so a cold process searches without rebuilding it.
// Immutable once built: a changed knowledge base gets a new one (docs/search.md).
#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QFile;

namespace rag::index {

// Identifies the chunk set an index was built from. Chunk ids are never reused (AUTOINCREMENT),
// so the count and the largest id together change with every write that adds or removes chunks.
struct LexicalStamp {
    qint64 chunks = 0;
    qint64 maxChunkId = 0;
    bool operator==(const LexicalStamp &) const = default;
};

class LexicalIndex {
public:
    // The chunks of one posting list, in ascending chunk order.
    struct Postings {
        const quint32 *ordinals = nullptr; // positions in chunk order (see chunkId)
        const quint8 *counts = nullptr;    // term frequency, capped at 255 like the stored counts
        quint32 size = 0;                  // the term's document frequency
    };

    // Collects chunks in ascending id order, then builds the index in one pass.
    class Builder {
    public:
        // termCounts: packed as index/term_counts.h describes; termTotal: the chunk's length in terms.
        Result<void> add(qint64 chunkId, QByteArrayView termCounts, qint64 termTotal);
        std::shared_ptr<const LexicalIndex> finish(LexicalStamp stamp);

    private:
        std::vector<qint64> m_ids;
        std::vector<float> m_lengths;
        std::vector<quint64> m_entries; // hash << 32 | ordinal << 8 | count
        qint64 m_termTotal = 0;
    };

    ~LexicalIndex();
    LexicalIndex(const LexicalIndex &) = delete;
    LexicalIndex &operator=(const LexicalIndex &) = delete;

    // Maps a saved index; fails on a missing, truncated or inconsistent file.
    static Result<std::shared_ptr<const LexicalIndex>> load(const QString &path);
    // Writes beside the target and renames, so a crash mid-save leaves the old file intact.
    Result<void> save(const QString &path) const;

    LexicalStamp stamp() const;
    quint32 chunkCount() const;
    qint64 termTotal() const; // terms of all chunks: average chunk length = termTotal / chunkCount
    qint64 chunkId(quint32 ordinal) const { return m_ids[ordinal]; }
    float length(quint32 ordinal) const { return m_lengths[ordinal]; }
    std::optional<quint32> ordinalOf(qint64 chunkId) const;
    Postings postings(quint32 termHash) const;

    struct Header; // of the file, which is also the in-memory layout

private:
    LexicalIndex() = default;
    Result<void> attach(); // points the arrays into m_bytes

    std::vector<quint64> m_owned;   // a built index (8-byte aligned)
    std::unique_ptr<QFile> m_file;  // or a mapped one
    QByteArrayView m_bytes;
    const Header *m_header = nullptr;
    const qint64 *m_ids = nullptr;
    const float *m_lengths = nullptr;
    const quint32 *m_termHashes = nullptr;
    const quint64 *m_offsets = nullptr;
    const quint32 *m_ordinals = nullptr;
    const quint8 *m_counts = nullptr;
};

} // namespace rag::index
