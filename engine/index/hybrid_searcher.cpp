#include "index/hybrid_searcher.h"

#include "index/function_words.h"
#include "index/term_counts.h"
#include "index/text_tokenizer.h"
#include "store/chunk_repository.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace rag::index {

namespace {
constexpr int kMaxQueryTerms = 64;
constexpr double kRrfK = 60.0;

struct WeightedTerm {
    quint32 hash;
    double weight;
};

QStringList uniqueTerms(const QStringList &tokens)
{
    QStringList terms;
    QSet<QString> seen;
    for (const QString &token : tokens) {
        if (terms.size() >= kMaxQueryTerms)
            break;
        if (!seen.contains(token)) {
            seen.insert(token);
            terms.append(token);
        }
    }
    return terms;
}

// Lucene's BM25 IDF: always positive, so in a small knowledge base a term in half the chunks
// still counts.
double inverseDocumentFrequency(qint64 chunks, qint64 withTerm)
{
    return std::log(1.0 + (double(chunks - withTerm) + 0.5) / (double(withTerm) + 0.5));
}

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// RAGFlow's term similarity is the weighted share of query terms a chunk contains. Each term
// found here counts by BM25's saturation of its frequency, divided by that saturation's ceiling
// (k1 + 1): a term repeated in a short chunk counts more than a passing mention in a long one.
double termSimilarity(const QByteArray &termCounts, const QList<WeightedTerm> &terms, double totalWeight,
                      double averageLength)
{
    if (totalWeight <= 0)
        return 0;
    const double lengthNorm = kK1 * (1 - kB + kB * totalTermCount(termCounts) / std::max(averageLength, 1.0));
    double found = 0;
    for (const WeightedTerm &term : terms) {
        if (const int tf = termCount(termCounts, term.hash); tf > 0)
            found += term.weight * tf / (tf + lengthNorm);
    }
    return found / totalWeight;
}
} // namespace

Result<void> validateSearchOptions(const SearchOptions &options)
{
    if (options.topN < 1 || options.topN > 10000)
        return fail(QStringLiteral("top_n must be between 1 and 10000, not %1").arg(options.topN));
    if (options.topK < 1 || options.topK > 100000)
        return fail(QStringLiteral("top_k must be between 1 and 100000, not %1").arg(options.topK));
    if (!(options.similarityThreshold >= 0 && options.similarityThreshold <= 1))
        return fail(QStringLiteral("the similarity threshold must be between 0 and 1"));
    if (!(options.vectorSimilarityWeight >= 0 && options.vectorSimilarityWeight <= 1))
        return fail(QStringLiteral("the vector similarity weight must be between 0 and 1"));
    return {};
}

HybridSearcher::HybridSearcher(QSqlDatabase db, const VectorIndex &vectors, const BuiltinEmbedder &embedder)
    : m_db(std::move(db)), m_vectors(vectors), m_embedder(embedder)
{
}

Result<SearchResult> HybridSearcher::search(const store::KnowledgeBase &kb, const QString &query,
                                            const SearchOptions &options) const
{
    if (auto valid = validateSearchOptions(options); !valid)
        return fail(valid.error());
    SearchResult result;
    const QStringList tokens = tokenize(query);
    const QStringList terms = uniqueTerms(tokens);
    if (terms.isEmpty())
        return result; // nothing searchable in the text (only punctuation, emoji, ...)

    store::ChunkRepository chunks(m_db);
    auto frequencies = chunks.documentFrequencies(kb.id, terms);
    if (!frequencies)
        return fail(frequencies.error());
    QList<WeightedTerm> weighted;
    QHash<QString, float> termWeights;
    double totalWeight = 0;
    for (const QString &term : terms) {
        const qint64 withTerm = frequencies->value(term);
        if (withTerm == 0)
            continue; // in no chunk: it ranks nothing, and a typo or filler word must not sink every match
        const double weight = inverseDocumentFrequency(kb.chunkTotal, withTerm) * (isFunctionWord(term) ? kFunctionWordWeight : 1.0);
        weighted.append({termHash(term), weight});
        termWeights.insert(term, float(weight));
        totalWeight += weight;
    }
    const double averageLength = kb.chunkTotal > 0 ? double(kb.termTotal) / double(kb.chunkTotal) : 1.0;

    auto textIds = chunks.fullTextCandidates(kb.id, terms, options.topK);
    if (!textIds)
        return fail(textIds.error());
    // Rare query words steer the query vector; chunk vectors stay unweighted (they are stored).
    const std::vector<float> queryVector = m_embedder.embedTokens(tokens, &termWeights);
    const QList<Neighbor> neighbors = m_vectors.search(queryVector.data(), options.topK);

    QList<qint64> candidateIds = *textIds;
    QHash<qint64, int> textRank;
    QHash<qint64, int> vectorRank;
    for (int i = 0; i < textIds->size(); ++i)
        textRank.insert(textIds->at(i), i);
    for (int i = 0; i < neighbors.size(); ++i) {
        vectorRank.insert(neighbors.at(i).id, i);
        if (!textRank.contains(neighbors.at(i).id))
            candidateIds.append(neighbors.at(i).id);
    }
    result.candidates = candidateIds.size();

    auto features = chunks.features(candidateIds);
    if (!features)
        return fail(features.error());
    const double w = options.vectorSimilarityWeight;
    struct Scored {
        qint64 id;
        double order, hybrid, term, vector;
    };
    std::vector<Scored> scored;
    scored.reserve(size_t(candidateIds.size()));
    for (qint64 id : std::as_const(candidateIds)) {
        const auto it = features->constFind(id);
        if (it == features->constEnd())
            continue; // deleted since the candidate lists were read
        const double term = termSimilarity(it->termCounts, weighted, totalWeight, averageLength);
        double vector = 0;
        if (it->vector.size() == qsizetype(queryVector.size() * sizeof(float)))
            vector = dot(queryVector.data(), reinterpret_cast<const float *>(it->vector.constData()),
                         int(queryVector.size()));
        const double hybrid = (1.0 - w) * term + w * vector;
        if (hybrid < options.similarityThreshold)
            continue;
        double order = hybrid;
        if (options.fusion == SearchOptions::Fusion::ReciprocalRank) {
            order = 0;
            if (auto r = textRank.constFind(id); r != textRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
            if (auto r = vectorRank.constFind(id); r != vectorRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
        }
        scored.push_back({id, order, hybrid, term, vector});
    }
    const size_t keep = std::min(scored.size(), size_t(options.topN));
    std::partial_sort(scored.begin(), scored.begin() + qsizetype(keep), scored.end(), [](const Scored &a, const Scored &b) {
        return a.order != b.order ? a.order > b.order : a.id < b.id;
    });
    scored.resize(keep);

    QList<qint64> hitIds;
    for (const Scored &s : scored)
        hitIds.append(s.id);
    auto views = chunks.chunks(hitIds);
    if (!views)
        return fail(views.error());
    QHash<qint64, store::ChunkView> viewById;
    for (const store::ChunkView &view : std::as_const(*views))
        viewById.insert(view.id, view);
    for (const Scored &s : scored) {
        if (auto view = viewById.constFind(s.id); view != viewById.constEnd())
            result.hits.append({*view, s.order, s.term, s.vector});
    }
    return result;
}

} // namespace rag::index
