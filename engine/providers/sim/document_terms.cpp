#include "providers/sim/document_terms.h"

#include "text/text_tokenizer.h"
#include "text/token_counter.h"

#include <algorithm>

namespace rag::sim {

namespace {

// Qt's string hash (AES-based where the CPU has it, 16 bytes a step), 64 bits, the length mixed
// in: two passages colliding is not a practical concern. The seed is fixed; the cache lives only
// as long as the process.
quint64 hashOf(QStringView text)
{
    return quint64(qHash(text, size_t(0x9e3779b97f4a7c15ULL))) ^ (quint64(text.size()) << 48);
}

} // namespace

int DocumentTerms::Entry::occurrences(int termId) const
{
    const auto it = std::lower_bound(counts.begin(), counts.end(), std::pair<int, int>(termId, 0));
    return it != counts.end() && it->first == termId ? it->second : 0;
}

const DocumentTerms::Entry &DocumentTerms::of(const QString &document)
{
    const quint64 key = hashOf(document);
    if (const auto found = m_entries.find(key); found != m_entries.end())
        return found->second;
    if (m_entries.size() >= kMaxEntries) {
        m_entries.clear();
        m_ids.clear();
    }
    Entry entry;
    QHash<int, int> counts;
    text::forEachToken(document, [&](QStringView term) {
        ++entry.terms;
        auto id = m_ids.constFind(term.toString());
        if (id == m_ids.constEnd())
            id = m_ids.insert(term.toString(), int(m_ids.size()));
        ++counts[*id];
    });
    entry.counts.reserve(size_t(counts.size()));
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        entry.counts.emplace_back(it.key(), it.value());
    std::sort(entry.counts.begin(), entry.counts.end());
    entry.tokens = text::countTokens(document);
    return m_entries.emplace(key, std::move(entry)).first->second;
}

int DocumentTerms::termId(const QString &term) const
{
    return m_ids.value(term, -1);
}

} // namespace rag::sim
