// The query and index tokenizer (text/text_tokenizer), the token counter and the stemmer on any
// text. Input: a byte (bit 0: the text is UTF-16 units, unpaired surrogates included, else UTF-8;
// the rest: a token limit and a set of first letters), then the text.
#include "fuzz_support.h"

#include "text/english_stemmer.h"
#include "text/function_words.h"
#include "text/text_tokenizer.h"
#include "text/token_counter.h"

#include <cstring>

using namespace rag::text;

namespace {

void checkTerms(const QString &text, quint64 firstLetters)
{
    const QStringList terms = tokenize(text);
    QStringList visited;
    forEachToken(text, [&](QStringView term) { visited.append(term.toString()); });
    FUZZ_CHECK(visited == terms);
    for (const QString &term : terms) {
        FUZZ_CHECK(!term.isEmpty());
        FUZZ_CHECK(term.size() <= kMaxTermLength);
        static_cast<void>(isFunctionWord(term)); // any term, no crash
    }

    // Passing over ASCII words by first letter loses no term that could match: what is visited
    // is the terms in order, less some whose first letter is not in the set, one per word skipped.
    QStringList some;
    const qsizetype skipped = forEachTokenStartingWith(text, firstLetters, [&](QStringView term) { some.append(term.toString()); });
    FUZZ_CHECK(skipped >= 0 && some.size() + skipped == terms.size());
    qsizetype next = 0;
    for (const QString &term : terms) {
        if (next < some.size() && some.at(next) == term)
            ++next;
        else
            FUZZ_CHECK((asciiTermBit(term.front()) & firstLetters) == 0 && asciiTermBit(term.front()) != 0);
    }
    FUZZ_CHECK(next == some.size());
}

void checkTokenCount(const QString &text, int limit)
{
    const int total = countTokens(text);
    FUZZ_CHECK(total >= 0 && total <= text.size());
    // The longest prefix within the limit, never splitting a surrogate pair.
    const qsizetype prefix = tokenPrefixLength(text, limit);
    FUZZ_CHECK(prefix >= 0 && prefix <= text.size());
    FUZZ_CHECK(countTokens(QStringView(text).first(prefix)) <= limit);
    if (prefix > 0 && prefix < text.size())
        FUZZ_CHECK(!(text.at(prefix - 1).isHighSurrogate() && text.at(prefix).isLowSurrogate()));
    if (prefix < text.size()) {
        const qsizetype longer = prefix + (text.at(prefix).isHighSurrogate() && prefix + 1 < text.size()
                                                   && text.at(prefix + 1).isLowSurrogate() ? 2 : 1);
        FUZZ_CHECK(countTokens(QStringView(text).first(longer)) > limit);
    } else {
        FUZZ_CHECK(total <= limit);
    }
}

void checkStemmer(const QString &text)
{
    // The stemmer takes lowercase ASCII words as the tokenizer makes them, at most 64 letters.
    QString word;
    for (QChar c : text) {
        if (c >= u'a' && c <= u'z' && word.size() < kMaxTermLength)
            word.append(c);
    }
    const QString stem = stemEnglish(word);
    FUZZ_CHECK(stem.size() <= word.size());
    FUZZ_CHECK(word.size() <= 2 || stem.size() >= 1);
    FUZZ_CHECK(stemEnglish(QStringLiteral("Ab") + word) == QStringLiteral("Ab") + word); // not lowercase: unchanged
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *bytes = reinterpret_cast<const char *>(data + 1);
    const qsizetype length = qsizetype(size - 1);
    QString text;
    if (data[0] & 1) {
        text.resize(length / 2);
        std::memcpy(text.data(), bytes, size_t(text.size()) * 2);
    } else {
        text = QString::fromUtf8(bytes, length);
    }
    const int limit = (data[0] >> 1) & 63;                  // 0 .. 63 tokens
    const quint64 firstLetters = 0x9E3779B97F4A7C15ull * (data[0] | 1u); // a pseudo-random set
    checkTerms(text, firstLetters);
    checkTokenCount(text, limit);
    checkStemmer(text);
    return 0;
}
