// Remembers how many chunks contain each term, per knowledge base. FTS5 counts them by walking a
// term's whole doclist (25 ms per query for common words at 1M chunks), while the counts change
// only when the knowledge base does: an entry is valid while the version it was read at holds.
#pragma once

#include "core/result.h"

#include <QHash>
#include <QMutex>
#include <QStringList>

#include <functional>

namespace rag::index {

class TermFrequencyCache {
public:
    using Reader = std::function<Result<QHash<QString, qint64>>(const QStringList &missing)>;

    // Changes whenever the knowledge base's chunks do: their count, and how many vectors were
    // ever added to its index (every write adds, ids are never reused).
    struct Version {
        qint64 chunks = -1;
        qint64 insertions = -1;
        bool operator==(const Version &) const = default;
    };

    // Counts of `terms` in knowledge base kbId at `version`; reads the ones it lacks with `read`.
    Result<QHash<QString, qint64>> frequencies(qint64 kbId, Version version, const QStringList &terms,
                                               const Reader &read);

private:
    struct Entry {
        Version version;
        QHash<QString, qint64> counts;
    };
    static constexpr qsizetype kMaxTermsPerKnowledgeBase = 200000;

    QMutex m_mutex;
    QHash<qint64, Entry> m_entries;
};

} // namespace rag::index
