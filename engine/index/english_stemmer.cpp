#include "index/english_stemmer.h"

namespace rag::index {

namespace {
// Porter's terms: a consonant is a letter other than a, e, i, o, u, and other than a y after a
// consonant; m is the number of vowel-consonant sequences in a stem.
bool isConsonant(const QString &w, qsizetype i)
{
    switch (w.at(i).unicode()) {
    case 'a': case 'e': case 'i': case 'o': case 'u':
        return false;
    case 'y':
        return i == 0 || !isConsonant(w, i - 1);
    default:
        return true;
    }
}

int measure(const QString &stem)
{
    int m = 0;
    qsizetype i = 0;
    const qsizetype n = stem.size();
    while (i < n && isConsonant(stem, i))
        ++i;
    while (i < n) {
        while (i < n && !isConsonant(stem, i))
            ++i;
        if (i >= n)
            break;
        while (i < n && isConsonant(stem, i))
            ++i;
        ++m;
    }
    return m;
}

bool hasVowel(const QString &stem)
{
    for (qsizetype i = 0; i < stem.size(); ++i) {
        if (!isConsonant(stem, i))
            return true;
    }
    return false;
}

bool endsWithDoubleConsonant(const QString &w)
{
    const qsizetype n = w.size();
    return n >= 2 && w.at(n - 1) == w.at(n - 2) && isConsonant(w, n - 1);
}

// consonant-vowel-consonant at the end, the last not w, x or y ("hop", not "snow")
bool endsCvc(const QString &w)
{
    const qsizetype n = w.size();
    if (n < 3 || !isConsonant(w, n - 1) || isConsonant(w, n - 2) || !isConsonant(w, n - 3))
        return false;
    const char16_t last = w.at(n - 1).unicode();
    return last != 'w' && last != 'x' && last != 'y';
}

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

void stemEnglishInPlace(QString &w)
{
    if (w.size() <= 2 || !isAsciiLowercase(w))
        return;
    // Step 1a
    if (w.endsWith(QLatin1String("sses")))
        w.chop(2);
    else if (w.endsWith(QLatin1String("ies")))
        w.chop(2);
    else if (!w.endsWith(QLatin1String("ss")) && w.endsWith(QLatin1Char('s')))
        w.chop(1);
    // Step 1b
    bool tidy = false;
    if (w.endsWith(QLatin1String("eed"))) {
        if (measure(w.left(w.size() - 3)) > 0)
            w.chop(1);
    } else if (w.endsWith(QLatin1String("ed")) && hasVowel(w.left(w.size() - 2))) {
        w.chop(2);
        tidy = true;
    } else if (w.endsWith(QLatin1String("ing")) && hasVowel(w.left(w.size() - 3))) {
        w.chop(3);
        tidy = true;
    }
    if (tidy) {
        if (w.endsWith(QLatin1String("at")) || w.endsWith(QLatin1String("bl")) || w.endsWith(QLatin1String("iz"))) {
            w.append(QLatin1Char('e'));
        } else if (endsWithDoubleConsonant(w)) {
            const char16_t last = w.back().unicode();
            if (last != 'l' && last != 's' && last != 'z')
                w.chop(1);
        } else if (measure(w) == 1 && endsCvc(w)) {
            w.append(QLatin1Char('e'));
        }
    }
    // Step 1c
    if (w.endsWith(QLatin1Char('y')) && hasVowel(w.left(w.size() - 1)))
        w.back() = QLatin1Char('i');
}

} // namespace rag::index
