#include "providers/sim/sim_text.h"

#include "providers/sim/document_terms.h"

#include "text/text_tokenizer.h"
#include "text/token_counter.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <vector>

namespace rag::sim {

namespace {

// FNV-1a over UTF-8: stable across runs and machines, unlike qHash's per-process seed.
quint64 stableHash(const QString &text)
{
    quint64 h = 1469598103934665603ULL;
    for (const char c : text.toUtf8()) {
        h ^= quint8(c);
        h *= 1099511628211ULL;
    }
    return h;
}

// Words of the question worth talking about: as typed (not stemmed), longer than three letters.
QStringList topicWords(const QString &question)
{
    static const QRegularExpression wordPattern(QStringLiteral("[\\p{L}\\p{N}][\\p{L}\\p{N}'-]*"));
    static const QSet<QString> skip{QStringLiteral("what"),  QStringLiteral("which"), QStringLiteral("when"),
                                    QStringLiteral("where"), QStringLiteral("does"),  QStringLiteral("with"),
                                    QStringLiteral("about"), QStringLiteral("that"),  QStringLiteral("this"),
                                    QStringLiteral("there"), QStringLiteral("their"), QStringLiteral("have"),
                                    QStringLiteral("from"),  QStringLiteral("into"),  QStringLiteral("should")};
    QStringList words;
    QSet<QString> seen;
    for (auto it = wordPattern.globalMatch(question); it.hasNext();) {
        const QString word = it.next().captured();
        const QString lower = word.toLower();
        if (word.size() <= 3 || skip.contains(lower) || seen.contains(lower))
            continue;
        seen.insert(lower);
        words.append(word);
    }
    return words;
}

} // namespace

namespace {

DocumentTerms &documentTerms()
{
    thread_local DocumentTerms cache; // a simulator lives on one thread
    return cache;
}

} // namespace

QList<double> relevances(const QString &query, const QStringList &documents)
{
    QStringList wanted = text::tokenize(query);
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    QList<double> out;
    out.reserve(documents.size());
    DocumentTerms &cache = documentTerms();
    for (const QString &document : documents) {
        if (wanted.isEmpty()) {
            out.append(0);
            continue;
        }
        const DocumentTerms::Entry &entry = cache.of(document);
        // Looked up after of(): a full cache starts over, and term ids with it.
        qsizetype found = 0;
        int hits = 0;
        for (const QString &term : std::as_const(wanted)) {
            const int id = cache.termId(term);
            const int occurrences = id < 0 ? 0 : entry.occurrences(id);
            found += occurrences > 0 ? 1 : 0;
            hits += occurrences;
        }
        const double coverage = double(found) / double(wanted.size());
        const double density = entry.terms == 0 ? 0.0 : double(hits) / double(entry.terms);
        out.append(0.9 * coverage + 0.1 * density);
    }
    return out;
}

int documentTokens(const QString &document)
{
    return documentTerms().of(document).tokens;
}

double logitOf(double relevance)
{
    return 20.0 * relevance - 10.0;
}

QList<double> embed(const QString &text, int dimensions)
{
    QList<double> vector(std::max(dimensions, 1), 0.0);
    for (const QString &term : text::tokenize(text)) {
        const quint64 h = stableHash(term);
        vector[qsizetype(h % quint64(vector.size()))] += (h >> 63) ? 1.0 : -1.0;
    }
    double norm = 0;
    for (double v : vector)
        norm += v * v;
    if (norm == 0) {
        vector[0] = 1; // an empty text still gets a unit vector, as real models return
        return vector;
    }
    norm = std::sqrt(norm);
    for (double &v : vector)
        v /= norm;
    return vector;
}

QStringList answerWords(const QString &question, int words)
{
    QStringList topics = topicWords(question);
    if (topics.isEmpty())
        topics = {QStringLiteral("your"), QStringLiteral("question")};
    // Sentences cycle through the question's terms; the text is cut at exactly `words` words.
    static const QList<QStringList> templates{
        {QStringLiteral("According"), QStringLiteral("to"), QStringLiteral("the"), QStringLiteral("sources,"),
         QStringLiteral("%1"), QStringLiteral("and"), QStringLiteral("%2"), QStringLiteral("are"),
         QStringLiteral("closely"), QStringLiteral("related.")},
        {QStringLiteral("The"), QStringLiteral("documents"), QStringLiteral("explain"), QStringLiteral("the"),
         QStringLiteral("role"), QStringLiteral("of"), QStringLiteral("%1"), QStringLiteral("in"),
         QStringLiteral("%2.")},
        {QStringLiteral("In"), QStringLiteral("short,"), QStringLiteral("%1"), QStringLiteral("and"),
         QStringLiteral("%2"), QStringLiteral("should"), QStringLiteral("be"), QStringLiteral("considered"),
         QStringLiteral("together.")},
    };
    QStringList out;
    int topic = 0;
    for (int sentence = 0; out.size() < words; ++sentence) {
        const QString first = topics.at(topic % topics.size());
        const QString second = topics.at((topic + 1) % topics.size());
        ++topic;
        for (const QString &word : templates.at(sentence % templates.size())) {
            if (out.size() >= words)
                break;
            out.append(QString(word).replace(QStringLiteral("%1"), first).replace(QStringLiteral("%2"), second));
        }
    }
    if (!out.isEmpty() && !out.last().endsWith(u'.'))
        out.last() = out.last().remove(QRegularExpression(QStringLiteral("[,;:]$"))) + u'.';
    return out;
}

int countTokens(const QString &text)
{
    return text::countTokens(text);
}

} // namespace rag::sim
