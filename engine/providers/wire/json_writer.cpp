#include "providers/wire/json_writer.h"

#include <QJsonDocument>

namespace rag::providers::wire {

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    // Sized exactly in a first pass, then written through a pointer: a per-byte append, or room
    // for the worst case (six bytes a unit) in a large body, costs more than the escaping itself.
    const char16_t *begin = text.utf16();
    const char16_t *end = begin + text.size();
    qsizetype needed = 2;
    for (const char16_t *q = begin; q < end; ++q) {
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
