#include "providers/wire/json_writer.h"

#include <QJsonDocument>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rag::providers::wire {

namespace {

#if defined(__SSE2__)
// Passages are mostly printable ASCII: eight units at a time are checked and, when none needs
// escaping or encoding, narrowed to bytes at once (one unit at a time was 4 ns a character, most
// of the time spent building a rerank body).
constexpr qsizetype kBlock = 8;

bool plainAsciiBlock(const char16_t *p)
{
    const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    // Signed compares: units from 0x8000 are negative, so they fail the first test.
    const __m128i printable = _mm_and_si128(_mm_cmpgt_epi16(units, _mm_set1_epi16(0x1F)),
                                            _mm_cmplt_epi16(units, _mm_set1_epi16(0x80)));
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(units, _mm_set1_epi16('"')),
                                         _mm_cmpeq_epi16(units, _mm_set1_epi16('\\')));
    return _mm_movemask_epi8(_mm_andnot_si128(special, printable)) == 0xFFFF;
}

void writeAsciiBlock(char *out, const char16_t *p)
{
    const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    _mm_storel_epi64(reinterpret_cast<__m128i *>(out), _mm_packus_epi16(units, units));
}
#endif

} // namespace

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    // Sized exactly in a first pass, then written through a pointer: a per-byte append, or room
    // for the worst case (six bytes a unit) in a large body, costs more than the escaping itself.
    const char16_t *begin = text.utf16();
    const char16_t *end = begin + text.size();
    qsizetype needed = 2;
    for (const char16_t *q = begin; q < end; ++q) {
#if defined(__SSE2__)
        while (end - q >= kBlock && plainAsciiBlock(q)) {
            needed += kBlock;
            q += kBlock;
        }
        if (q == end)
            break;
#endif
        const char16_t u = *q;
        if (u < 0x80)
            needed += u >= 0x20 && u != '"' && u != '\\' ? 1 : (u == '\n' || u == '\r' || u == '\t' || u == '\b' || u == '\f' || u == '"' || u == '\\') ? 2 : 6;
        else if (u < 0x800)
            needed += 2;
        else if (QChar::isHighSurrogate(u) && q + 1 < end && QChar::isLowSurrogate(q[1]))
            needed += 4, ++q;
        else
            needed += QChar::isSurrogate(u) ? 6 : 3;
    }
    const qsizetype start = out.size();
    out.resize(start + needed);
    char *o = out.data() + start;
    auto escapeUnit = [&o](char16_t u) {
        *o++ = '\\';
        *o++ = 'u';
        *o++ = kHex[(u >> 12) & 15];
        *o++ = kHex[(u >> 8) & 15];
        *o++ = kHex[(u >> 4) & 15];
        *o++ = kHex[u & 15];
    };
    auto escapeAs = [&o](char c) {
        *o++ = '\\';
        *o++ = c;
    };
    *o++ = '"';
    const char16_t *p = begin;
    while (p < end) {
#if defined(__SSE2__)
        while (end - p >= kBlock && plainAsciiBlock(p)) {
            writeAsciiBlock(o, p);
            o += kBlock;
            p += kBlock;
        }
        if (p == end)
            break;
#endif
        const char16_t u = *p++;
        if (u < 0x80) {
            switch (u) {
            case '"': escapeAs('"'); break;
            case '\\': escapeAs('\\'); break;
            case '\n': escapeAs('n'); break;
            case '\r': escapeAs('r'); break;
            case '\t': escapeAs('t'); break;
            case '\b': escapeAs('b'); break;
            case '\f': escapeAs('f'); break;
            default:
                if (u < 0x20)
                    escapeUnit(u);
                else
                    *o++ = char(u);
            }
        } else if (u < 0x800) {
            *o++ = char(0xC0 | (u >> 6));
            *o++ = char(0x80 | (u & 0x3F));
        } else if (QChar::isHighSurrogate(u) && p < end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            *o++ = char(0xF0 | (c >> 18));
            *o++ = char(0x80 | ((c >> 12) & 0x3F));
            *o++ = char(0x80 | ((c >> 6) & 0x3F));
            *o++ = char(0x80 | (c & 0x3F));
        } else if (QChar::isSurrogate(u)) {
            escapeUnit(u); // a lone half, escaped as QJsonDocument writes it
        } else {
            *o++ = char(0xE0 | (u >> 12));
            *o++ = char(0x80 | ((u >> 6) & 0x3F));
            *o++ = char(0x80 | (u & 0x3F));
        }
    }
    *o++ = '"';
    Q_ASSERT(o == out.constData() + out.size());
}

QByteArray compactWithStringArray(const QJsonObject &object, QLatin1StringView key, const QStringList &strings)
{
    QByteArray out = QJsonDocument(object).toJson(QJsonDocument::Compact);
    out.chop(1); // the closing brace
    // Room for plain text up front: growing a body of 64 passages as each is written copied it
    // over and over.
    qsizetype room = out.size() + key.size() + 8;
    for (const QString &string : strings)
        room += string.size() + 3;
    out.reserve(room);
    if (!object.isEmpty())
        out.append(',');
    appendJsonString(out, QString(key));
    out.append(":[", 2);
    for (qsizetype i = 0; i < strings.size(); ++i) {
        if (i > 0)
            out.append(',');
        appendJsonString(out, strings.at(i));
    }
    out.append("]}", 2);
    return out;
}

} // namespace rag::providers::wire
