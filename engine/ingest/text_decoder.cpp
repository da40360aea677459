#include "ingest/text_decoder.h"

#include <QStringDecoder>

namespace rag::ingest {

namespace {
bool looksBinary(const QByteArray &bytes)
{
    const qsizetype probe = std::min<qsizetype>(bytes.size(), 64 * 1024);
    qsizetype control = 0;
    for (qsizetype i = 0; i < probe; ++i) {
        const uchar c = uchar(bytes.at(i));
        if (c == 0)
            return true;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
            ++control;
    }
    return probe > 0 && control * 20 > probe; // more than 5% control characters
}

Result<QString> decodeWith(QStringConverter::Encoding encoding, const QByteArray &bytes)
{
    QStringDecoder decoder(encoding, QStringConverter::Flag::ConvertInitialBom);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return fail(QStringLiteral("the text is not valid %1").arg(QString::fromLatin1(QStringConverter::nameForEncoding(encoding))));
    return text;
}

// UTF-16 may hold a surrogate without its pair, which Qt decodes without an error; such text
// makes every regular expression over it match nothing, so it becomes U+FFFD here.
Result<QString> withPairedSurrogates(Result<QString> decoded)
{
    if (!decoded)
        return decoded;
    QString &text = *decoded;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            text[i] = QChar::ReplacementCharacter;
    }
    return decoded;
}
} // namespace

Result<QString> decodeText(const QByteArray &bytes)
{
    if (bytes.startsWith("\xFF\xFE"))
        return withPairedSurrogates(decodeWith(QStringConverter::Utf16LE, bytes.mid(2)));
    if (bytes.startsWith("\xFE\xFF"))
        return withPairedSurrogates(decodeWith(QStringConverter::Utf16BE, bytes.mid(2)));
    if (looksBinary(bytes))
        return fail(QStringLiteral("this is a binary file, not text"));
    auto utf8 = decodeWith(QStringConverter::Utf8, bytes.startsWith("\xEF\xBB\xBF") ? bytes.mid(3) : bytes);
    if (utf8)
        return utf8;
    QStringDecoder windows1252("windows-1252");
    if (windows1252.isValid())
        return QString(windows1252.decode(bytes));
    return decodeWith(QStringConverter::Latin1, bytes);
}

} // namespace rag::ingest
