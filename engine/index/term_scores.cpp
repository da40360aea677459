#include "index/term_scores.h"

#include "index/term_counts.h"

#include <algorithm>
#include <cmath>

namespace rag::index {

namespace {
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

double lengthNorm(double length, double averageLength)
{
    return kK1 * (1 - kB + kB * length / std::max(averageLength, 1.0));
}

double totalWeightOf(const QList<WeightedTerm> &terms)
{
    double total = 0;
    for (const WeightedTerm &term : terms)
        total += term.weight;
    return total;
}

struct Scratch {
    std::vector<double> sums;
    std::vector<quint32> matched;
};
thread_local Scratch t_scratch;
} // namespace

double inverseDocumentFrequency(qint64 chunks, qint64 withTerm)
{
    return std::log(1.0 + (double(chunks - withTerm) + 0.5) / (double(withTerm) + 0.5));
}

TermScores::TermScores(const LexicalIndex &index, const QList<WeightedTerm> &terms)
    : m_totalWeight(totalWeightOf(terms)), m_sums(&t_scratch.sums), m_matched(&t_scratch.matched)
{
    if (m_sums->size() < index.chunkCount())
        m_sums->resize(index.chunkCount(), 0.0);
    const double averageLength = index.chunkCount() > 0 ? double(index.termTotal()) / double(index.chunkCount()) : 1.0;
    double *sums = m_sums->data();
    for (const WeightedTerm &term : terms) {
        const LexicalIndex::Postings postings = index.postings(term.hash);
        for (quint32 i = 0; i < postings.size; ++i) {
            const quint32 ordinal = postings.ordinals[i];
            const double tf = postings.counts[i];
            if (sums[ordinal] == 0)
                m_matched->push_back(ordinal);
            sums[ordinal] += term.weight * tf / (tf + lengthNorm(index.length(ordinal), averageLength));
        }
    }
}

TermScores::~TermScores()
{
    for (quint32 ordinal : *m_matched)
        (*m_sums)[ordinal] = 0;
    m_matched->clear();
}

double TermScores::similarity(quint32 ordinal) const
{
    return m_totalWeight > 0 ? (*m_sums)[ordinal] / m_totalWeight : 0.0;
}

double termSimilarity(QByteArrayView termCounts, const QList<WeightedTerm> &terms, double averageLength)
{
    const double totalWeight = totalWeightOf(terms);
    if (totalWeight <= 0)
        return 0;
    const double norm = lengthNorm(totalTermCount(termCounts), averageLength);
    double found = 0;
    for (const WeightedTerm &term : terms) {
        if (const int tf = termCount(termCounts, term.hash); tf > 0)
            found += term.weight * tf / (tf + norm);
    }
    return found / totalWeight;
}

} // namespace rag::index
