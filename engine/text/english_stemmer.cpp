#include "text/english_stemmer.h"

namespace rag::text {

namespace {

// The word being stemmed: lowercase ASCII letters in place, its length shrinking or growing by
// one. No allocation per word: the tokenizer stems every word of every chunk and passage.
struct Word {
    char16_t *c;
    qsizetype n;

    // Porter's terms: a consonant is a letter other than a, e, i, o, u, and other than a y after
    // a consonant; m is the number of vowel-consonant sequences in a stem.
    bool isConsonant(qsizetype i) const
    {
        switch (c[i]) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            return false;
        case 'y':
            return i == 0 || !isConsonant(i - 1);
        default:
            return true;
        }
    }

    int measure(qsizetype stemLength) const
    {
        int m = 0;
        qsizetype i = 0;
        while (i < stemLength && isConsonant(i))
            ++i;
        while (i < stemLength) {
            while (i < stemLength && !isConsonant(i))
                ++i;
            if (i >= stemLength)
                break;
            while (i < stemLength && isConsonant(i))
                ++i;
            ++m;
        }
        return m;
    }

    bool hasVowel(qsizetype stemLength) const
    {
        for (qsizetype i = 0; i < stemLength; ++i) {
            if (!isConsonant(i))
                return true;
        }
        return false;
    }

    bool endsWith(const char *suffix, qsizetype length) const
    {
        if (n < length)
            return false;
        for (qsizetype i = 0; i < length; ++i) {
            if (c[n - length + i] != char16_t(suffix[i]))
                return false;
        }
        return true;
    }
    template <qsizetype N> bool endsWith(const char (&suffix)[N]) const { return endsWith(suffix, N - 1); }

    bool endsWithDoubleConsonant() const { return n >= 2 && c[n - 1] == c[n - 2] && isConsonant(n - 1); }

    // consonant-vowel-consonant at the end, the last not w, x or y ("hop", not "snow")
    bool endsCvc() const
    {
        if (n < 3 || !isConsonant(n - 1) || isConsonant(n - 2) || !isConsonant(n - 3))
            return false;
        return c[n - 1] != 'w' && c[n - 1] != 'x' && c[n - 1] != 'y';
    }
};

bool isAsciiLowercase(const QString &w)
{
    for (QChar c : w) {
        if (c.unicode() < 'a' || c.unicode() > 'z')
            return false;
    }
    return true;
}

} // namespace

QString stemEnglish(const QString &word)
{
    QString w = word;
    stemEnglishInPlace(w);
    return w;
}

void stemEnglishInPlace(QString &text)
{
    if (text.size() <= 2 || !isAsciiLowercase(text))
        return;
    // Step 1b adds a letter only after removing two or three: the word never outgrows its buffer.
    Word w{reinterpret_cast<char16_t *>(text.data()), text.size()};
    // Step 1a
    if (w.endsWith("sses"))
        w.n -= 2;
    else if (w.endsWith("ies"))
        w.n -= 2;
    else if (!w.endsWith("ss") && w.endsWith("s"))
        w.n -= 1;
    // Step 1b
    bool tidy = false;
    if (w.endsWith("eed")) {
        if (w.measure(w.n - 3) > 0)
            w.n -= 1;
    } else if (w.endsWith("ed") && w.hasVowel(w.n - 2)) {
        w.n -= 2;
        tidy = true;
    } else if (w.endsWith("ing") && w.hasVowel(w.n - 3)) {
        w.n -= 3;
        tidy = true;
    }
    if (tidy) {
        if (w.endsWith("at") || w.endsWith("bl") || w.endsWith("iz")) {
            w.c[w.n++] = 'e';
        } else if (w.endsWithDoubleConsonant()) {
            const char16_t last = w.c[w.n - 1];
            if (last != 'l' && last != 's' && last != 'z')
                w.n -= 1;
        } else if (w.measure(w.n) == 1 && w.endsCvc()) {
            w.c[w.n++] = 'e';
        }
    }
    // Step 1c
    if (w.endsWith("y") && w.hasVowel(w.n - 1))
        w.c[w.n - 1] = 'i';
    text.resize(w.n);
}

} // namespace rag::text
