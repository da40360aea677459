#include "index/term_frequency_cache.h"

namespace rag::index {

Result<QHash<QString, qint64>> TermFrequencyCache::frequencies(qint64 kbId, Version version,
                                                               const QStringList &terms, const Reader &read)
{
    QHash<QString, qint64> found;
    QStringList missing;
    {
        QMutexLocker lock(&m_mutex);
        Entry &entry = m_entries[kbId];
        if (!(entry.version == version)) {
            entry.version = version; // the knowledge base changed since: start over
            entry.counts.clear();
        }
        for (const QString &term : terms) {
            if (auto it = entry.counts.constFind(term); it != entry.counts.constEnd())
                found.insert(term, *it);
            else
                missing.append(term);
        }
    }
    if (missing.isEmpty())
        return found;
    auto fresh = read(missing);
    if (!fresh)
        return fresh;
    QMutexLocker lock(&m_mutex);
    Entry &entry = m_entries[kbId];
    if (entry.version == version) {
        if (entry.counts.size() + fresh->size() > kMaxTermsPerKnowledgeBase)
            entry.counts.clear();
        entry.counts.insert(*fresh);
    }
    found.insert(*fresh);
    return found;
}

} // namespace rag::index
