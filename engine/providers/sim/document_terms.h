// What the simulated reranker needs of a document: how often each term occurs in it, how many
// terms and tokens it has. Kept per document (by a 64-bit hash of its text), so that a passage
// reranked again - as a knowledge base's passages are, call after call, under load - is not
// tokenized and stemmed again: the simulator exists to cost the machine it shares with the engine
// as little as it can (docs/simulator.md). One per thread; not shared.
#pragma once

#include <QHash>
#include <QString>

#include <unordered_map>
#include <utility>
#include <vector>

namespace rag::sim {

class DocumentTerms {
public:
    struct Entry {
        std::vector<std::pair<int, int>> counts; // (term id, occurrences), by term id
        int terms = 0;                           // every term, as text::forEachToken visits them
        int tokens = 0;                          // text::countTokens
        int occurrences(int termId) const;       // 0 when absent
    };

    const Entry &of(const QString &document);
    int termId(const QString &term) const; // -1: in no document seen so far
    std::size_t size() const { return m_entries.size(); }

    // Bound on the documents kept (about 1 KiB each); past it the cache starts over.
    static constexpr std::size_t kMaxEntries = 65'536;

private:
    QHash<QString, int> m_ids;
    std::unordered_map<quint64, Entry> m_entries;
};

} // namespace rag::sim
