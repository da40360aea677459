// What the fuzz targets share: a check that stops the run with a message (libFuzzer then saves the
// input as a crash), and cutting a stream into pieces the way a network delivers it.
#pragma once

#include <QByteArrayView>
#include <QList>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// A property the code promises that did not hold: print it and abort, which libFuzzer reports as
// a crash with the input that caused it.
#define FUZZ_CHECK(condition)                                                                         \
    do {                                                                                              \
        if (!(condition)) {                                                                           \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                             \
        }                                                                                             \
    } while (false)

namespace rag::fuzz {

// The ends of the pieces `size` bytes are cut into, chosen by `seed` (the same seed, the same
// cuts): every byte alone, or pieces of pseudo-random lengths of 1 to 4, 8, ... 256 bytes.
inline QList<qsizetype> cutPoints(qsizetype size, std::uint32_t seed)
{
    QList<qsizetype> ends;
    if ((seed & 7) == 0) {
        for (qsizetype end = 1; end <= size; ++end)
            ends.append(end);
        return ends;
    }
    const std::uint32_t mask = (2u << (seed & 7)) - 1; // 3, 7, ... 255
    std::uint32_t state = seed * 2654435761u + 1;
    for (qsizetype end = 0; end < size;) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        end = std::min(size, end + 1 + qsizetype(state & mask));
        ends.append(end);
    }
    return ends;
}

// The pieces themselves, as views into `bytes`.
inline QList<QByteArrayView> cutInPieces(QByteArrayView bytes, std::uint32_t seed)
{
    QList<QByteArrayView> pieces;
    qsizetype from = 0;
    for (qsizetype end : cutPoints(bytes.size(), seed)) {
        pieces.append(bytes.sliced(from, end - from));
        from = end;
    }
    return pieces;
}

} // namespace rag::fuzz
