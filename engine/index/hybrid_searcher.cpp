#include "index/hybrid_searcher.h"

#include "text/function_words.h"
#include "index/term_counts.h"
#include "index/term_scores.h"
#include "text/text_tokenizer.h"
#include "store/chunk_repository.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QSet>

#include <algorithm>
#include <functional>
#include <optional>

namespace rag::index {

namespace {
constexpr int kMaxQueryTerms = 64;
constexpr double kRrfK = 60.0;

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

struct TextCandidate {
    double similarity;
    qint64 id;
    quint32 ordinal;
};

bool ranksBefore(const TextCandidate &a, const TextCandidate &b)
{
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
}

// The best `limit` chunks by term similarity, best first.
std::vector<TextCandidate> bestMatches(const LexicalIndex &index, const TermScores &scores, int limit)
{
    std::vector<TextCandidate> best;
    best.reserve(scores.matched().size());
    for (quint32 ordinal : scores.matched())
        best.push_back({scores.similarity(ordinal), index.chunkId(ordinal), ordinal});
    if (best.size() > size_t(limit)) {
        std::nth_element(best.begin(), best.begin() + limit, best.end(), ranksBefore);
        best.resize(size_t(limit));
    }
    std::sort(best.begin(), best.end(), ranksBefore);
    return best;
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

QList<SearchHit> rankByRerankScores(QList<SearchHit> candidates, const QList<double> &scores, const SearchOptions &options)
{
    const double w = options.vectorSimilarityWeight;
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        SearchHit &hit = candidates[i];
        hit.rerankScore = scores.value(i);
        hit.similarity = (1.0 - w) * hit.termSimilarity + w * *hit.rerankScore;
    }
    return thresholdAndTop(std::move(candidates), options.topN, options.similarityThreshold);
}

QList<SearchHit> thresholdAndTop(QList<SearchHit> hits, int topN, double threshold)
{
    std::stable_sort(hits.begin(), hits.end(), [](const SearchHit &a, const SearchHit &b) { return a.similarity > b.similarity; });
    qsizetype kept = 0;
    while (kept < hits.size() && kept < topN && hits.at(kept).similarity >= threshold)
        ++kept;
    hits.resize(kept); // in place: no hit, with its passage's strings, is copied
    return hits;
}

HybridSearcher::HybridSearcher(QSqlDatabase db, const LexicalIndex &terms, const VectorIndex &vectors,
                               const BuiltinEmbedder &embedder)
    : m_db(std::move(db)), m_terms(terms), m_vectors(vectors), m_embedder(embedder)
{
}

Result<SearchResult> HybridSearcher::search(const QString &query, const SearchOptions &options,
                                            const std::vector<float> *providedVector) const
{
    if (auto valid = validateSearchOptions(options); !valid)
        return fail(valid.error());
    if (providedVector && int(providedVector->size()) != m_vectors.dimension())
        return fail(QStringLiteral("the embedder gave the question a %1-dimensional vector; the knowledge base "
                                   "holds %2-dimensional ones (re-embed it: 'ragdesk kb reembed NAME --embedder PROVIDER')")
                        .arg(providedVector->size()).arg(m_vectors.dimension()));
    SearchResult result;
    const QStringList tokens = text::tokenize(query);
    const QStringList terms = uniqueTerms(tokens);
    if (terms.isEmpty())
        return result; // nothing searchable in the text (only punctuation, emoji, ...)

    QElapsedTimer clock;
    clock.start();
    auto lap = [&clock] {
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        clock.restart();
        return ms;
    };
    QList<WeightedTerm> weighted;
    QHash<QString, float> termWeights;
    for (const QString &term : terms) {
        const quint32 hash = termHash(term);
        const qint64 withTerm = m_terms.postings(hash).size;
        if (withTerm == 0)
            continue; // in no chunk: it ranks nothing, and a typo or filler word must not sink every match
        const double weight = inverseDocumentFrequency(m_terms.chunkCount(), withTerm) * (text::isFunctionWord(term) ? text::kFunctionWordWeight : 1.0);
        weighted.append({hash, weight});
        termWeights.insert(term, float(weight));
    }
    // Rare query words steer the built-in embedder's query vector; chunk vectors stay unweighted
    // (they are stored).
    const std::vector<float> ownVector = providedVector ? std::vector<float>() : m_embedder.embedTokens(tokens, &termWeights);
    const std::vector<float> &queryVector = providedVector ? *providedVector : ownVector;
    result.timings.termsMs = lap();

    // The two candidate searches are independent: the ANN search runs on the CPU pool while the
    // postings are summed here. It starts narrow and widens only while a chunk it has not returned
    // could still reach the top_n (docs/search.md); rank fusion needs the whole top_k ranking.
    const bool fusesRanks = options.fusion == SearchOptions::Fusion::ReciprocalRank;
    int vectorK = fusesRanks ? options.topK : std::min(options.topK, std::max(options.topN, m_vectors.searchBreadth()));
    QFuture<QList<Neighbor>> nearest = QtConcurrent::run([this, &queryVector, k = vectorK] {
        return m_vectors.search(queryVector.data(), k);
    });
    const TermScores scores(m_terms, weighted);
    const std::vector<TextCandidate> textCandidates = bestMatches(m_terms, scores, options.topK);
    QList<qint64> textIds;
    textIds.reserve(qsizetype(textCandidates.size()));
    QHash<qint64, int> textRank;
    textRank.reserve(qsizetype(textCandidates.size()));
    for (size_t i = 0; i < textCandidates.size(); ++i) {
        textIds.append(textCandidates[i].id);
        textRank.insert(textCandidates[i].id, int(i));
    }
    // Vector similarity of every lexical candidate, from the vectors the index holds in memory.
    const std::vector<float> textVectorScores = m_vectors.similarities(queryVector.data(), textIds);
    result.timings.fullTextMs = lap();

    const double w = options.vectorSimilarityWeight;
    std::vector<double> textHybrid(textCandidates.size());
    for (size_t i = 0; i < textCandidates.size(); ++i)
        textHybrid[i] = (1.0 - w) * textCandidates[i].similarity + w * textVectorScores[i];
    // Outside the lexical candidates a chunk's term similarity is at most the last one's (or 0
    // when every match is a candidate).
    const double termOutside = textCandidates.size() < size_t(options.topK) || textCandidates.empty()
        ? 0.0 : textCandidates.back().similarity;
    auto termOf = [&](qint64 id) -> std::optional<double> {
        // A vector of a chunk the lexical index does not hold was written or removed since the
        // index's stamp was read: it drops out, as a deleted chunk's row would.
        const auto ordinal = m_terms.ordinalOf(id);
        return ordinal ? std::optional<double>(scores.similarity(*ordinal)) : std::nullopt;
    };
    // The score a chunk needs to enter the top_n with these neighbours: the n-th best hybrid
    // score, or the threshold when fewer pass it.
    auto cutoff = [&](const QList<Neighbor> &found) {
        std::vector<double> hybrid = textHybrid;
        for (const Neighbor &n : found) {
            if (!textRank.contains(n.id))
                if (const auto term = termOf(n.id))
                    hybrid.push_back((1.0 - w) * *term + w * n.similarity);
        }
        if (hybrid.size() < size_t(options.topN))
            return options.similarityThreshold;
        std::nth_element(hybrid.begin(), hybrid.begin() + (options.topN - 1), hybrid.end(), std::greater<>());
        return std::max(options.similarityThreshold, hybrid[size_t(options.topN - 1)]);
    };
    QList<Neighbor> neighbors = nearest.result();
    while (!fusesRanks && vectorK < options.topK && neighbors.size() == vectorK
           && (1.0 - w) * termOutside + w * neighbors.back().similarity >= cutoff(neighbors)) {
        vectorK = std::min(options.topK, vectorK * 4);
        neighbors = m_vectors.search(queryVector.data(), vectorK);
    }
    result.timings.vectorMs = lap();

    QHash<qint64, int> vectorRank;
    vectorRank.reserve(neighbors.size());
    for (int i = 0; i < neighbors.size(); ++i)
        vectorRank.insert(neighbors.at(i).id, i);
    struct Scored {
        qint64 id;
        double order, hybrid, term, vector;
    };
    std::vector<Scored> scored;
    scored.reserve(textCandidates.size() + size_t(neighbors.size()));
    auto consider = [&](qint64 id, double term, double vector) {
        const double hybrid = (1.0 - w) * term + w * vector;
        if (hybrid < options.similarityThreshold)
            return;
        double order = hybrid;
        if (fusesRanks) {
            order = 0;
            if (auto r = textRank.constFind(id); r != textRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
            if (auto r = vectorRank.constFind(id); r != vectorRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
        }
        scored.push_back({id, order, hybrid, term, vector});
    };
    for (size_t i = 0; i < textCandidates.size(); ++i)
        consider(textCandidates[i].id, textCandidates[i].similarity, textVectorScores[i]);
    result.candidates = qsizetype(textCandidates.size());
    for (const Neighbor &n : neighbors) {
        if (textRank.contains(n.id))
            continue;
        ++result.candidates;
        if (const auto term = termOf(n.id))
            consider(n.id, *term, n.similarity);
    }
    result.timings.featuresMs = lap();
    const size_t keep = std::min(scored.size(), size_t(options.topN));
    std::partial_sort(scored.begin(), scored.begin() + qsizetype(keep), scored.end(), [](const Scored &a, const Scored &b) {
        return a.order != b.order ? a.order > b.order : a.id < b.id;
    });
    scored.resize(keep);

    result.timings.scoreMs = lap();
    QList<qint64> hitIds;
    for (const Scored &s : scored)
        hitIds.append(s.id);
    store::ChunkRepository chunks(m_db);
    auto views = chunks.chunks(hitIds);
    if (!views)
        return fail(views.error());
    // The views come in the order asked, without the ids no longer stored: walked side by side.
    qsizetype next = 0;
    for (const Scored &s : scored) {
        if (next < views->size() && views->at(next).id == s.id)
            result.hits.append({std::move((*views)[next++]), s.order, s.term, s.vector});
    }
    result.timings.fetchMs = lap();
    return result;
}

} // namespace rag::index
