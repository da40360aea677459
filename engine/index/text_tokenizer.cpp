#include "index/text_tokenizer.h"

#include "index/english_stemmer.h"

#include <QChar>

#include <algorithm>
#include <vector>

namespace rag::index {

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

static bool isWordCharacter(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return true;
    default:
        return QChar::isLetterOrNumber(c);
    }
}

static QString fromCodePoints(const char32_t *begin, qsizetype count)
{
    return QString::fromUcs4(begin, count);
}

static void appendWord(QStringList &out, const std::vector<char32_t> &word)
{
    const qsizetype length = std::min<qsizetype>(word.size(), kMaxTermLength);
    QString term = fromCodePoints(word.data(), length);
    const bool ascii = std::all_of(word.begin(), word.begin() + length, [](char32_t c) { return c < 0x80; });
    if (!ascii) // NFKC: "\uFB02" (fl ligature) is "fl", full-width letters are ASCII ones
        term = term.normalized(QString::NormalizationForm_KC);
    out.append(stemEnglish(term.toCaseFolded()));
}

static void appendCjkRun(QStringList &out, const std::vector<char32_t> &run)
{
    for (size_t i = 0; i < run.size(); ++i) {
        out.append(fromCodePoints(&run[i], 1));
        if (i + 1 < run.size())
            out.append(fromCodePoints(&run[i], 2));
    }
}

QStringList tokenize(QStringView text)
{
    QStringList out;
    std::vector<char32_t> word;
    std::vector<char32_t> cjk;
    auto flush = [&] {
        if (!word.empty())
            appendWord(out, word);
        if (!cjk.empty())
            appendCjkRun(out, cjk);
        word.clear();
        cjk.clear();
    };
    const QChar *p = text.data();
    const QChar *end = p + text.size();
    while (p < end) {
        char32_t c = p->unicode();
        ++p;
        if (QChar::isHighSurrogate(c) && p < end && p->isLowSurrogate()) {
            c = QChar::surrogateToUcs4(char16_t(c), p->unicode());
            ++p;
        }
        if (isCjk(c)) {
            if (!word.empty()) {
                appendWord(out, word);
                word.clear();
            }
            cjk.push_back(c);
        } else if (isWordCharacter(c)) {
            if (!cjk.empty()) {
                appendCjkRun(out, cjk);
                cjk.clear();
            }
            word.push_back(c);
        } else {
            flush();
        }
    }
    flush();
    return out;
}

} // namespace rag::index
