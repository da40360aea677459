#include "index/function_words.h"

#include "index/english_stemmer.h"

#include <QSet>

namespace rag::index {

bool isFunctionWord(const QString &token)
{
    static const QSet<QString> words = [] {
        QSet<QString> set;
        for (const char *w : {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with",
                              "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
                              "those", "there", "their", "they", "you", "your", "we", "i", "if", "not", "no", "but",
                              "so", "do", "does", "can", "will", "may", "has", "have", "had", "which", "when", "all",
                              "any", "also", "s", "e", "g", "how", "what", "why", "where", "who", "whom", "my", "me",
                              "our", "should", "would", "could", "about", "into", "than", "then", "only"})
            set.insert(stemEnglish(QString::fromLatin1(w))); // tokens arrive stemmed
        return set;
    }();
    return token.size() <= 6 && words.contains(token);
}

} // namespace rag::index
