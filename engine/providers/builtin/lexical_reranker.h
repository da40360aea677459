// The built-in reranker: scores texts against a query by query-term coverage with a proximity
// bonus, using the engine's tokenizer. No network; CPU only, so callers run it on the CPU pool.
#pragma once

#include <QList>
#include <QStringList>

namespace rag::providers {

// One score in [0, 1] per document, in document order. Deterministic.
QList<double> lexicalRerankScores(const QString &query, const QStringList &documents);

} // namespace rag::providers
