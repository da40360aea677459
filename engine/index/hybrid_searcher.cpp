#include "index/hybrid_searcher.h"

#include "index/function_words.h"
#include "index/term_counts.h"
#include "index/text_tokenizer.h"
#include "store/chunk_repository.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QSet>

#include <algorithm>
#include <limits>
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
double termSimilarity(QByteArrayView termCounts, const QList<WeightedTerm> &terms, double totalWeight,
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

// FTS5 scores every row a query matches before it can sort by rank, so a term that half the
// knowledge base contains would cost a scan of half of it. Candidates come from the rarest terms
// (the ones that discriminate) while their postings fit a budget; the rarest one always counts.
// Every query term still counts in the similarity of every candidate.
struct CandidateTerms {
    QStringList terms;
    qint64 postings = 0; // an upper bound of the chunks they match
};

CandidateTerms candidateTerms(const QStringList &terms, const QHash<QString, qint64> &frequencies, qint64 budget)
{
    QList<QPair<qint64, QString>> byFrequency;
    for (const QString &term : terms) {
        const qint64 df = frequencies.value(term);
        if (df > 0)
            byFrequency.append({isFunctionWord(term) ? std::numeric_limits<qint64>::max() : df, term});
    }
    std::sort(byFrequency.begin(), byFrequency.end());
    CandidateTerms chosen;
    for (const auto &[df, term] : std::as_const(byFrequency)) {
        const qint64 cost = df == std::numeric_limits<qint64>::max() ? frequencies.value(term) : df;
        if (!chosen.terms.isEmpty() && chosen.postings + cost > budget)
            break;
        chosen.terms.append(term);
        chosen.postings += cost;
    }
    return chosen;
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

HybridSearcher::HybridSearcher(QSqlDatabase db, const VectorIndex &vectors, const BuiltinEmbedder &embedder,
                               TermFrequencyCache &frequencies)
    : m_db(std::move(db)), m_vectors(vectors), m_embedder(embedder), m_frequencies(frequencies)
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

    QElapsedTimer clock;
    clock.start();
    auto lap = [&clock] {
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        clock.restart();
        return ms;
    };
    store::ChunkRepository chunks(m_db);
    auto frequencies = m_frequencies.frequencies(kb.id, {kb.chunkTotal, m_vectors.insertions()}, terms, [&](const QStringList &missing) {
        return chunks.documentFrequencies(kb.id, missing);
    });
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

    result.timings.termsMs = lap();
    // Rare query words steer the query vector; chunk vectors stay unweighted (they are stored).
    const std::vector<float> queryVector = m_embedder.embedTokens(tokens, &termWeights);
    // The two candidate searches are independent: the ANN search runs on the CPU pool while
    // FTS5 runs here.
    QFuture<QList<Neighbor>> nearest = QtConcurrent::run([this, &queryVector, k = options.topK] {
        return m_vectors.search(queryVector.data(), k);
    });
    // When every match fits in top_k there is nothing to rank: skip FTS5's scoring of each row.
    const qint64 budget = options.fullTextPostingBudget > 0 ? options.fullTextPostingBudget : qint64(options.topK) * 8;
    const CandidateTerms forFullText = candidateTerms(terms, *frequencies, budget);
    const bool fusesRanks = options.fusion == SearchOptions::Fusion::ReciprocalRank;
    const auto ranking = forFullText.postings <= options.topK && !fusesRanks ? store::ChunkRepository::Ranking::Unranked
                                                                             : store::ChunkRepository::Ranking::Bm25;
    auto textIds = chunks.fullTextCandidates(kb.id, forFullText.terms, options.topK, ranking);
    result.timings.fullTextMs = lap();
    const QList<Neighbor> neighbors = nearest.result(); // waited for even when FTS failed
    if (!textIds)
        return fail(textIds.error());

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

    // Vector similarity of full-text-only candidates, from the vectors the index holds in memory.
    QList<qint64> textOnly;
    for (qint64 id : std::as_const(*textIds)) {
        if (!vectorRank.contains(id))
            textOnly.append(id);
    }
    QHash<qint64, float> vectorScores;
    vectorScores.reserve(candidateIds.size());
    for (const Neighbor &n : neighbors)
        vectorScores.insert(n.id, n.similarity);
    const std::vector<float> textOnlyScores = m_vectors.similarities(queryVector.data(), textOnly);
    for (qsizetype i = 0; i < textOnly.size(); ++i)
        vectorScores.insert(textOnly.at(i), textOnlyScores[size_t(i)]);
    result.timings.vectorMs = lap();

    const double w = options.vectorSimilarityWeight;
    struct Scored {
        qint64 id;
        double order, hybrid, term, vector;
    };
    std::vector<Scored> scored;
    scored.reserve(size_t(candidateIds.size()));
    // A candidate deleted since the lists were read has no row and drops out here.
    auto read = chunks.forEachTermCounts(candidateIds, [&](qint64 id, QByteArrayView termCounts) {
        const double term = termSimilarity(termCounts, weighted, totalWeight, averageLength);
        const double vector = vectorScores.value(id);
        const double hybrid = (1.0 - w) * term + w * vector;
        if (hybrid < options.similarityThreshold)
            return;
        double order = hybrid;
        if (options.fusion == SearchOptions::Fusion::ReciprocalRank) {
            order = 0;
            if (auto r = textRank.constFind(id); r != textRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
            if (auto r = vectorRank.constFind(id); r != vectorRank.constEnd())
                order += 1.0 / (kRrfK + *r + 1);
        }
        scored.push_back({id, order, hybrid, term, vector});
    });
    if (!read)
        return fail(read.error());
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
    result.timings.fetchMs = lap();
    return result;
}

} // namespace rag::index
