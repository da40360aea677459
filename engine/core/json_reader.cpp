#include "core/json_reader.h"

#include <QJsonArray>
#include <QStringDecoder>

#include <charconv>
#include <cmath>

namespace rag {

namespace {

constexpr int kMaxDepth = 64;

class Reader {
public:
    explicit Reader(QByteArrayView text) : m_at(text.data()), m_end(text.data() + text.size()) {}

    std::optional<QJsonObject> document()
    {
        skipSpace();
        QJsonObject object;
        if (!readObject(object, 0))
            return std::nullopt;
        skipSpace();
        if (m_at != m_end)
            return std::nullopt;
        return object;
    }

private:
    void skipSpace()
    {
        while (m_at != m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
            ++m_at;
    }

    bool take(char c)
    {
        if (m_at == m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }

    bool readValue(QJsonValue &out, int depth)
    {
        if (m_at == m_end)
            return false;
        switch (*m_at) {
        case '{': {
            QJsonObject object;
            if (!readObject(object, depth + 1))
                return false;
            out = object;
            return true;
        }
        case '[': {
            QJsonArray array;
            if (!readArray(array, depth + 1))
                return false;
            out = array;
            return true;
        }
        case '"': {
            QString text;
            if (!readString(text))
                return false;
            out = text;
            return true;
        }
        case 't':
            return readLiteral("true", QJsonValue(true), out);
        case 'f':
            return readLiteral("false", QJsonValue(false), out);
        case 'n':
            return readLiteral("null", QJsonValue(QJsonValue::Null), out);
        default:
            return readNumber(out);
        }
    }

    bool readLiteral(std::string_view word, const QJsonValue &value, QJsonValue &out)
    {
        if (m_end - m_at < qsizetype(word.size()) || std::string_view(m_at, word.size()) != word)
            return false;
        m_at += word.size();
        out = value;
        return true;
    }

    bool readObject(QJsonObject &object, int depth)
    {
        if (depth > kMaxDepth || !take('{'))
            return false;
        skipSpace();
        if (take('}'))
            return true;
        for (;;) {
            QString key;
            QJsonValue value;
            skipSpace();
            if (!readString(key))
                return false;
            skipSpace();
            if (!take(':'))
                return false;
            skipSpace();
            if (!readValue(value, depth))
                return false;
            object.insert(key, value); // a repeated key keeps its last value, as Qt's parser does
            skipSpace();
            if (take('}'))
                return true;
            if (!take(','))
                return false;
        }
    }

    bool readArray(QJsonArray &array, int depth)
    {
        if (depth > kMaxDepth || !take('['))
            return false;
        skipSpace();
        if (take(']'))
            return true;
        for (;;) {
            QJsonValue value;
            skipSpace();
            if (!readValue(value, depth))
                return false;
            array.append(value);
            skipSpace();
            if (take(']'))
                return true;
            if (!take(','))
                return false;
        }
    }

    // Runs of plain characters are converted in one pass each; escapes between them one by one.
    bool readString(QString &out)
    {
        if (!take('"'))
            return false;
        const char *run = m_at;
        for (;;) {
            if (m_at == m_end)
                return false;
            const unsigned char c = static_cast<unsigned char>(*m_at);
            if (c == '"' || c == '\\') {
                if (!appendUtf8(out, run, m_at))
                    return false;
                ++m_at;
                if (c == '"')
                    return true;
                if (!readEscape(out))
                    return false;
                run = m_at;
            } else if (c < 0x20) {
                return false;
            } else {
                ++m_at;
            }
        }
    }

    bool appendUtf8(QString &out, const char *from, const char *to)
    {
        if (from == to)
            return true;
        const QString text = m_decoder.decode(QByteArrayView(from, to - from));
        if (m_decoder.hasError())
            return false;
        if (out.isEmpty())
            out = text;
        else
            out += text;
        return true;
    }

    bool readHex4(char16_t &unit)
    {
        if (m_end - m_at < 4)
            return false;
        unit = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_at++;
            unit = char16_t(unit << 4);
            if (c >= '0' && c <= '9')
                unit |= char16_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                unit |= char16_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                unit |= char16_t(c - 'A' + 10);
            else
                return false;
        }
        return true;
    }

    bool readEscape(QString &out)
    {
        if (m_at == m_end)
            return false;
        const char c = *m_at++;
        switch (c) {
        case '"': out += QLatin1Char('"'); return true;
        case '\\': out += QLatin1Char('\\'); return true;
        case '/': out += QLatin1Char('/'); return true;
        case 'b': out += QLatin1Char('\b'); return true;
        case 'f': out += QLatin1Char('\f'); return true;
        case 'n': out += QLatin1Char('\n'); return true;
        case 'r': out += QLatin1Char('\r'); return true;
        case 't': out += QLatin1Char('\t'); return true;
        case 'u': break;
        default: return false;
        }
        char16_t unit = 0;
        if (!readHex4(unit))
            return false;
        if (QChar::isLowSurrogate(unit))
            return false; // unpaired: left to Qt's parser
        if (QChar::isHighSurrogate(unit)) {
            char16_t low = 0;
            if (!take('\\') || !take('u') || !readHex4(low) || !QChar::isLowSurrogate(low))
                return false;
            out += QChar(unit);
            out += QChar(low);
            return true;
        }
        out += QChar(unit);
        return true;
    }

    // RFC 8259's grammar; whole numbers that fit stay integers, as in Qt's parser.
    bool readNumber(QJsonValue &out)
    {
        const char *start = m_at;
        const auto digits = [this] {
            const char *from = m_at;
            while (m_at != m_end && *m_at >= '0' && *m_at <= '9')
                ++m_at;
            return m_at - from;
        };
        take('-');
        const char *intStart = m_at;
        const qsizetype intDigits = digits();
        if (intDigits == 0 || (intDigits > 1 && *intStart == '0'))
            return false;
        bool integral = true;
        if (take('.')) {
            integral = false;
            if (digits() == 0)
                return false;
        }
        if (m_at != m_end && (*m_at == 'e' || *m_at == 'E')) {
            integral = false;
            ++m_at;
            if (!take('+'))
                take('-');
            if (digits() == 0)
                return false;
        }
        if (integral) {
            qint64 value = 0;
            const auto [end, error] = std::from_chars(start, m_at, value);
            if (error == std::errc() && end == m_at) {
                out = value;
                return true;
            }
        }
        double value = 0;
        const auto [end, error] = std::from_chars(start, m_at, value);
        if (error != std::errc() || end != m_at)
            return false;
        // Qt keeps a whole value that fits in 64 bits as an integer however it is written
        // ("1.0", "2.5e1", "59007199254740993.0"); a double would print and compare differently.
        if (std::trunc(value) == value && value >= -0x1p63 && value < 0x1p63) {
            out = qint64(value);
            return true;
        }
        out = value;
        return true;
    }

    const char *m_at;
    const char *m_end;
    QStringDecoder m_decoder{QStringDecoder::Utf8, QStringDecoder::Flag::Stateless};
};

} // namespace

std::optional<QJsonObject> readJsonObject(QByteArrayView text)
{
    return Reader(text).document();
}

} // namespace rag
