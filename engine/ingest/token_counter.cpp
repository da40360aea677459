#include "ingest/token_counter.h"

#include "index/text_tokenizer.h"

#include <QChar>

namespace rag::ingest {

namespace {
// Walks text once, keeping the count of the prefix read so far; stops early when `keepGoing`
// says so after a character. Returns where it stopped and the count before that character.
template <typename KeepGoing>
std::pair<qsizetype, int> walkTokens(QStringView text, KeepGoing keepGoing)
{
    int tokens = 0;
    int wordLength = 0;
    auto wordCost = [&] { return wordLength > 0 ? 1 + (wordLength - 1) / 8 : 0; };
    auto endWord = [&] {
        tokens += wordCost();
        wordLength = 0;
    };
    const QChar *begin = text.data();
    const QChar *p = begin;
    const QChar *end = p + text.size();
    while (p < end) {
        const QChar *at = p;
        const int before = tokens + wordCost();
        char32_t c = p->unicode();
        ++p;
        // ASCII first, decided inline: prompts, rerank requests and chunking count whole
        // passages of mostly ASCII text on every request.
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                ++wordLength;
            } else {
                endWord();
                if (c != ' ' && !(c >= '\t' && c <= '\r'))
                    ++tokens;
            }
        } else {
            if (QChar::isHighSurrogate(c) && p < end && p->isLowSurrogate()) {
                c = QChar::surrogateToUcs4(char16_t(c), p->unicode());
                ++p;
            }
            if (index::isCjk(c)) {
                endWord();
                ++tokens;
            } else if (QChar::isLetterOrNumber(c) || QChar::isMark(c)) {
                ++wordLength;
            } else {
                endWord();
                if (!QChar::isSpace(c))
                    ++tokens;
            }
        }
        if (!keepGoing(tokens + wordCost()))
            return {at - begin, before};
    }
    return {text.size(), tokens + wordCost()};
}
} // namespace

int countTokens(QStringView text)
{
    return walkTokens(text, [](int) { return true; }).second;
}

qsizetype tokenPrefixLength(QStringView text, int limit)
{
    return walkTokens(text, [limit](int tokens) { return tokens <= limit; }).first;
}

} // namespace rag::ingest
