// Rerank score normalisation (docs/providers.md, "What each kind speaks"): scores already in
// [0, 1] are kept; otherwise min-max rescaled, except when max - min < 1e-3, when they are
// clipped to [0, 1].
#pragma once

#include <QList>

namespace rag::providers {

// Non-finite scores (which the reply parsers already reject) take no part and come out as 0.
QList<double> normalizeScores(const QList<double> &raw);

} // namespace rag::providers
