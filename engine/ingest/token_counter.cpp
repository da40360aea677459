#include "ingest/token_counter.h"

#include "index/text_tokenizer.h"

#include <QChar>

namespace rag::ingest {

int countTokens(QStringView text)
{
    int tokens = 0;
    int wordLength = 0;
    auto endWord = [&] {
        if (wordLength > 0)
            tokens += 1 + (wordLength - 1) / 8;
        wordLength = 0;
    };
    const QChar *p = text.data();
    const QChar *end = p + text.size();
    while (p < end) {
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
            continue;
        }
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
    endWord();
    return tokens;
}

} // namespace rag::ingest
