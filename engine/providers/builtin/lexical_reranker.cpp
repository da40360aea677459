#include "providers/builtin/lexical_reranker.h"

#include "text/function_words.h"
#include "text/text_tokenizer.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace rag::providers {

namespace {
// Coverage decides most of the score; proximity only scales the remaining quarter, so a text with
// every query term always beats one with fewer terms however close together those are.
constexpr double kCoverageShare = 0.75;

struct QueryTerms {
    QHash<QString, int> index;      // term -> id, ids in order of first occurrence
    std::vector<bool> significant;  // by id: content words, which alone count for proximity
    int significantCount = 0;
};

QueryTerms queryTerms(const QString &query)
{
    QueryTerms terms;
    const QStringList tokens = text::tokenize(query);
    for (const QString &token : tokens) {
        if (terms.index.contains(token))
            continue;
        terms.index.insert(token, int(terms.significant.size()));
        const bool content = !text::isFunctionWord(token);
        terms.significant.push_back(content);
        terms.significantCount += content ? 1 : 0;
    }
    // A query of function words only ("what is it") still deserves a proximity signal.
    if (terms.significantCount == 0) {
        std::fill(terms.significant.begin(), terms.significant.end(), true);
        terms.significantCount = int(terms.significant.size());
    }
    return terms;
}

// The shortest run of tokens holding every distinct significant query term the text has;
// `hits` is (position, term id) in position order. Returns the run's length in tokens.
int shortestWindow(const std::vector<std::pair<int, int>> &hits, int termCount, int distinctPresent)
{
    std::vector<int> inWindow(size_t(termCount), 0);
    int covered = 0;
    int best = std::numeric_limits<int>::max();
    size_t left = 0;
    for (size_t right = 0; right < hits.size(); ++right) {
        if (inWindow[size_t(hits[right].second)]++ == 0)
            ++covered;
        while (covered == distinctPresent) {
            best = std::min(best, hits[right].first - hits[left].first + 1);
            if (--inWindow[size_t(hits[left].second)] == 0)
                --covered;
            ++left;
        }
    }
    return best;
}

// 1 when the significant terms present sit side by side, falling as other words come between
// them. A lone term is only "close together" when the query has no other term to be near.
double proximity(const QStringList &tokens, const QueryTerms &terms)
{
    std::vector<std::pair<int, int>> hits;
    std::vector<bool> seen(terms.significant.size(), false);
    int distinctPresent = 0;
    for (int position = 0; position < int(tokens.size()); ++position) {
        const auto it = terms.index.constFind(tokens.at(position));
        if (it == terms.index.cend() || !terms.significant[size_t(*it)])
            continue;
        hits.emplace_back(position, *it);
        if (!seen[size_t(*it)]) {
            seen[size_t(*it)] = true;
            ++distinctPresent;
        }
    }
    if (distinctPresent == 0)
        return 0;
    if (distinctPresent == 1)
        return terms.significantCount == 1 ? 1 : 0;
    const int window = shortestWindow(hits, int(terms.significant.size()), distinctPresent);
    return double(distinctPresent) / double(window);
}
} // namespace

QList<double> lexicalRerankScores(const QString &query, const QStringList &documents)
{
    QList<double> scores(documents.size(), 0.0);
    const QueryTerms terms = queryTerms(query);
    if (terms.index.isEmpty() || documents.isEmpty())
        return scores;

    const size_t termCount = terms.significant.size();
    std::vector<QStringList> tokens;
    tokens.reserve(size_t(documents.size()));
    std::vector<std::vector<bool>> contains(size_t(documents.size()), std::vector<bool>(termCount, false));
    std::vector<int> documentFrequency(termCount, 0);
    for (qsizetype d = 0; d < documents.size(); ++d) {
        tokens.push_back(text::tokenize(documents.at(d)));
        for (const QString &token : tokens.back()) {
            const auto it = terms.index.constFind(token);
            if (it != terms.index.cend() && !contains[size_t(d)][size_t(*it)]) {
                contains[size_t(d)][size_t(*it)] = true;
                ++documentFrequency[size_t(*it)];
            }
        }
    }

    // IDF over the texts being ranked: a term every text has does not tell them apart. The
    // smoothed form stays positive, so a common term still counts a little.
    std::vector<double> weight(termCount);
    double totalWeight = 0;
    const double n = double(documents.size());
    for (auto it = terms.index.cbegin(); it != terms.index.cend(); ++it) {
        const size_t id = size_t(it.value());
        double w = 1.0 + std::log((n + 1.0) / (documentFrequency[id] + 1.0));
        if (text::isFunctionWord(it.key()))
            w *= text::kFunctionWordWeight;
        weight[id] = w;
    }
    for (double w : weight) // summed in id order, so the result does not depend on hash order
        totalWeight += w;

    for (qsizetype d = 0; d < documents.size(); ++d) {
        double covered = 0;
        for (size_t id = 0; id < termCount; ++id)
            covered += contains[size_t(d)][id] ? weight[id] : 0.0;
        if (covered <= 0)
            continue;
        const double coverage = covered / totalWeight;
        const double score = coverage * (kCoverageShare + (1.0 - kCoverageShare) * proximity(tokens[size_t(d)], terms));
        scores[d] = std::clamp(score, 0.0, 1.0);
    }
    return scores;
}

} // namespace rag::providers
