#include "text/text_tokenizer.h"

#include "text/english_stemmer.h"

#include <QChar>

#include <algorithm>
#include <vector>

namespace rag::text {

bool isCjk(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF)     // CJK unified ideographs
        || (c >= 0x3400 && c <= 0x4DBF)     // extension A
        || (c >= 0x20000 && c <= 0x2EBEF)   // extensions B-F
        || (c >= 0xF900 && c <= 0xFAFF)     // compatibility ideographs
        || (c >= 0x3040 && c <= 0x30FF)     // hiragana, katakana
        || (c >= 0x31F0 && c <= 0x31FF)     // katakana extensions
        || (c >= 0xAC00 && c <= 0xD7AF)     // hangul syllables
        || (c >= 0x1100 && c <= 0x11FF);    // hangul jamo
}

static bool isAsciiWordCharacter(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool isWordCharacter(char32_t c)
{
    if (c < 0x80)
        return isAsciiWordCharacter(char16_t(c));
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return true;
    default:
        return QChar::isLetterOrNumber(c);
    }
}

namespace {
using Visit = std::function<void(QStringView)>;

// The word is text[from, to). ASCII words, the common case, are lowered and stemmed in `buffer`,
// which keeps its capacity from word to word.
void visitWord(const Visit &visit, QString &buffer, QStringView text, qsizetype from, qsizetype to, bool ascii)
{
    QStringView word = text.mid(from, to - from);
    if (ascii) {
        buffer.resize(std::min<qsizetype>(word.size(), kMaxTermLength));
        QChar *out = buffer.data();
        for (qsizetype i = 0; i < buffer.size(); ++i) {
            const char16_t c = word.at(i).unicode();
            out[i] = QChar(c >= 'A' && c <= 'Z' ? char16_t(c + 32) : c);
        }
        stemEnglishInPlace(buffer);
        visit(buffer);
        return;
    }
    // NFKC: "\uFB02" (fl ligature) is "fl", full-width letters are ASCII ones.
    QString term = word.toString().normalized(QString::NormalizationForm_KC).toCaseFolded();
    if (term.size() > kMaxTermLength)
        term.truncate(term.at(kMaxTermLength - 1).isHighSurrogate() ? kMaxTermLength - 1 : kMaxTermLength);
    stemEnglishInPlace(term);
    visit(term);
}

// The CJK run is text[from, to); each character alone and each pair become terms.
void visitCjkRun(const Visit &visit, QStringView text, qsizetype from, qsizetype to)
{
    qsizetype previous = -1;
    for (qsizetype i = from; i < to;) {
        const qsizetype width = QChar::isHighSurrogate(text.at(i).unicode()) && i + 1 < to ? 2 : 1;
        if (previous >= 0)
            visit(text.mid(previous, i + width - previous));
        visit(text.mid(i, width));
        previous = i;
        i += width;
    }
}
} // namespace

quint64 asciiTermBit(QChar first)
{
    const char16_t c = first.unicode();
    if (c >= 'a' && c <= 'z')
        return quint64(1) << (c - 'a');
    if (c >= 'A' && c <= 'Z')
        return quint64(1) << (c - 'A');
    if (c >= '0' && c <= '9')
        return quint64(1) << (26 + c - '0');
    return 0;
}

namespace {
// Every term of `text` to `visit`, except ASCII words whose first letter's bit is not in
// `firstLetters`: those are counted and passed over before being lowered and stemmed.
qsizetype walkTerms(QStringView text, quint64 firstLetters, const Visit &visit)
{
    QString buffer;
    buffer.reserve(kMaxTermLength);
    enum class Run { None, Word, Cjk } run = Run::None;
    qsizetype start = 0;
    qsizetype skipped = 0;
    bool ascii = true;
    auto close = [&](qsizetype at) {
        if (run == Run::Word) {
            if (ascii && !(firstLetters & asciiTermBit(text.at(start))))
                ++skipped;
            else
                visitWord(visit, buffer, text, start, at, ascii);
        } else if (run == Run::Cjk) {
            visitCjkRun(visit, text, start, at);
        }
        run = Run::None;
    };
    const char16_t *units = text.utf16();
    const qsizetype size = text.size();
    qsizetype i = 0;
    while (i < size) {
        const qsizetype at = i;
        if (units[i] < 0x80) {
            // ASCII at once, the common case: a separator closes the run, letters and digits
            // extend a word (started here or by earlier letters, ASCII or not) to their end.
            if (!isAsciiWordCharacter(units[i])) {
                if (run != Run::None)
                    close(at);
                ++i;
                continue;
            }
            if (run != Run::Word) {
                close(at);
                run = Run::Word;
                start = at;
                ascii = true;
            }
            ++i;
            while (i < size && units[i] < 0x80 && isAsciiWordCharacter(units[i]))
                ++i;
            continue;
        }
        char32_t c = units[i];
        ++i;
        if (QChar::isHighSurrogate(c) && i < size && QChar::isLowSurrogate(units[i])) {
            c = QChar::surrogateToUcs4(char16_t(c), units[i]);
            ++i;
        }
        const Run kind = isCjk(c) ? Run::Cjk : isWordCharacter(c) ? Run::Word : Run::None;
        if (kind != run) {
            close(at);
            run = kind;
            start = at;
            ascii = true;
        }
        ascii = false;
    }
    close(size);
    return skipped;
}
} // namespace

void forEachToken(QStringView text, const std::function<void(QStringView)> &visit)
{
    walkTerms(text, ~quint64(0), visit);
}

qsizetype forEachTokenStartingWith(QStringView text, quint64 firstLetters, const std::function<void(QStringView)> &visit)
{
    return walkTerms(text, firstLetters, visit);
}

QStringList tokenize(QStringView text)
{
    QStringList out;
    forEachToken(text, [&out](QStringView term) { out.append(term.toString()); });
    return out;
}

} // namespace rag::text
