// Term similarity of every chunk that holds a query term, accumulated term by term over the
// lexical index's postings: exact for every match, and no per-chunk lookups or allocations.
// The scratch array is per thread and reused, so a search costs what its postings cost.
#pragma once

#include "index/lexical_index.h"

#include <QList>

#include <vector>

namespace rag::index {

struct WeightedTerm {
    quint32 hash;
    double weight;
};

// RAGFlow's term similarity is the weighted share of query terms a chunk contains. Each term
// found counts by BM25's saturation of its frequency (k1 1.2, b 0.75), divided by that
// saturation's ceiling: a term repeated in a short chunk counts more than a passing mention in a
// long one. The reference formula, for one chunk, is in term_scores.cpp.
class TermScores {
public:
    TermScores(const LexicalIndex &index, const QList<WeightedTerm> &terms);
    ~TermScores(); // leaves the thread's scratch array zeroed for the next search
    TermScores(const TermScores &) = delete;
    TermScores &operator=(const TermScores &) = delete;

    double similarity(quint32 ordinal) const;
    // Chunks holding at least one weighted term, in no particular order.
    const std::vector<quint32> &matched() const { return *m_matched; }

private:
    double m_totalWeight = 0;
    std::vector<double> *m_sums;
    std::vector<quint32> *m_matched;
};

// Lucene's BM25 IDF: always positive, so in a small knowledge base a term in half the chunks
// still counts.
double inverseDocumentFrequency(qint64 chunks, qint64 withTerm);

// One chunk's term similarity from its packed term counts (index/term_counts.h): the definition
// TermScores computes in bulk, kept for tests and tools that score a single chunk.
double termSimilarity(QByteArrayView termCounts, const QList<WeightedTerm> &terms, double averageLength);

} // namespace rag::index
