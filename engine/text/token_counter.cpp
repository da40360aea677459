#include "text/token_counter.h"

#include "text/text_tokenizer.h"

#include <QChar>

#include <algorithm>
#include <limits>

namespace rag::text {

namespace {
// Walks text once, keeping the count of the prefix read so far (a word's tokens count as soon as
// its first letter, and each ninth letter, is read); stops where the count would pass `limit`.
// Returns where it stopped and the count there.
std::pair<qsizetype, int> walkTokens(QStringView text, int limit)
{
    int cost = 0;       // tokens of the prefix read so far
    int wordLength = 0; // letters of the word being read
    const QChar *begin = text.data();
    const QChar *p = begin;
    const QChar *end = p + text.size();
    auto asciiWordCharacter = [](char16_t c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    while (p < end) {
        const QChar *at = p;
        if (asciiWordCharacter(p->unicode())) {
            // A run of ASCII letters at once: its tokens start at word lengths 0, 8, 16, ...
            const QChar *run = p;
            const int firstStart = (wordLength + 7) / 8 * 8; // the first token start at or after wordLength
            // Where in the run the start that would pass the limit is: the scan reads no further,
            // so a prefix of a long run costs its own length, not the run's.
            const qint64 passAt = firstStart + 8 * (qint64(limit) - cost) - wordLength;
            const QChar *stop = end - run > passAt ? run + passAt + 1 : end;
            while (p < stop && asciiWordCharacter(p->unicode()))
                ++p;
            const qint64 length = p - run;
            if (length > passAt) // stop before the start that would pass the limit
                return {run - begin + passAt, limit};
            const int starts = firstStart < wordLength + length ? int((wordLength + length - firstStart + 7) / 8) : 0;
            cost += starts;
            wordLength += int(length);
            continue;
        }
        char32_t c = p->unicode();
        ++p;
        bool word = false;
        bool counts = false; // a token of its own: a symbol or a CJK character
        // ASCII first, decided inline: prompts, rerank requests and chunking count whole
        // passages of mostly ASCII text on every request.
        if (c < 0x80) {
            word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            counts = !word && c != ' ' && !(c >= '\t' && c <= '\r');
        } else {
            if (QChar::isHighSurrogate(c) && p < end && p->isLowSurrogate()) {
                c = QChar::surrogateToUcs4(char16_t(c), p->unicode());
                ++p;
            }
            if (isCjk(c))
                counts = true;
            else if (QChar::isLetterOrNumber(c) || QChar::isMark(c))
                word = true;
            else
                counts = !QChar::isSpace(c);
        }
        if (word) {
            if (wordLength++ % 8 != 0)
                continue; // within a word's current token
        } else {
            wordLength = 0;
            if (!counts)
                continue;
        }
        if (cost == limit)
            return {at - begin, cost};
        ++cost;
    }
    return {text.size(), cost};
}
} // namespace

int countTokens(QStringView text)
{
    return walkTokens(text, std::numeric_limits<int>::max()).second;
}

qsizetype tokenPrefixLength(QStringView text, int limit)
{
    // Every token starts at a unit of its own, so a text of no more units than the limit fits
    // whole: a rerank passage is hundreds of tokens against a limit of thousands.
    if (text.size() <= limit)
        return text.size();
    return walkTokens(text, std::max(0, limit)).first;
}

} // namespace rag::text
