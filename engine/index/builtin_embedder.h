// The offline default embedder: hashed word and character-trigram features (English function
// words damped), L2-normalised to a fixed dimension. Deterministic, so vectors stored today match tomorrow's.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <vector>

namespace rag::index {

class BuiltinEmbedder {
public:
    static constexpr int kDimension = 512;
    static QString name() { return QStringLiteral("builtin"); }

    std::vector<float> embed(QStringView text) const;
    // With weights, each term's features are scaled by its weight (terms not listed: 1).
    std::vector<float> embedTokens(const QStringList &tokens, const QHash<QString, float> *weights = nullptr) const;
    // RAGFlow weighs a chunk's title at 0.1 and its content at 0.9.
    std::vector<float> embedDocument(const QStringList &titleTokens, const QStringList &contentTokens) const;
};

QByteArray packVector(const std::vector<float> &vector);
// Scales a vector to unit length, as the index compares by inner product (a provider's vectors
// may not be normalised); false for a vector of zeros or non-finite numbers, which has no direction.
bool normalizeVector(std::vector<float> &vector);
std::vector<float> unpackVector(const QByteArray &packed);
float dot(const float *a, const float *b, int dimension);

} // namespace rag::index
