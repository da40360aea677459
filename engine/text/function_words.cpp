#include "text/function_words.h"

#include "text/english_stemmer.h"

#include <algorithm>
#include <vector>

namespace rag::text {

namespace {
// Sorted, stemmed (tokens arrive stemmed); a binary search over a few dozen short strings is
// cheaper than hashing every token of every chunk.
std::vector<QString> functionWords()
{
    std::vector<QString> words;
    for (const char *w : {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with",
                          "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
                          "those", "there", "their", "they", "you", "your", "we", "i", "if", "not", "no", "but",
                          "so", "do", "does", "can", "will", "may", "has", "have", "had", "which", "when", "all",
                          "any", "also", "s", "e", "g", "how", "what", "why", "where", "who", "whom", "my", "me",
                          "our", "should", "would", "could", "about", "into", "than", "then", "only"})
        words.push_back(stemEnglish(QString::fromLatin1(w)));
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}
} // namespace

bool isFunctionWord(const QString &token)
{
    static const std::vector<QString> words = functionWords();
    if (token.size() > 6)
        return false;
    return std::binary_search(words.begin(), words.end(), token);
}

} // namespace rag::text
