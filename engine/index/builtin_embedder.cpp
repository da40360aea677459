#include "index/builtin_embedder.h"

#include "text/function_words.h"
#include "text/text_tokenizer.h"

#include <QSet>

#include <cmath>
#include <cstring>

namespace rag::index {

namespace {
constexpr quint64 kFnvOffset = 14695981039346656037ull;
constexpr quint64 kFnvPrime = 1099511628211ull;
// Weights tuned on bench/bench_quality (python3-doc): character trigrams carry most of what
// exact term matching misses (word forms), so they outweigh the word itself; word pairs added
// only noise and are not used.
constexpr float kWordWeight = 1.0f;
constexpr float kTrigramWeight = 3.0f;

quint64 fnv(quint64 hash, QStringView text)
{
    for (QChar c : text) {
        hash ^= c.unicode();
        hash *= kFnvPrime;
    }
    return hash;
}

// Signed feature hashing: the sign bit keeps collisions from only ever adding up.
void addFeature(std::vector<float> &v, quint64 hash, float weight)
{
    hash ^= hash >> 29;
    const size_t slot = size_t(hash % BuiltinEmbedder::kDimension);
    v[slot] += (hash >> 63) ? -weight : weight;
}

void addTrigrams(std::vector<float> &v, const QString &word, float scale)
{
    if (word.size() < 4)
        return;
    // Trigrams of "<word>", so prefixes and suffixes get trigrams of their own.
    const qsizetype padded = word.size() + 2;
    auto at = [&](qsizetype i) { return i == 0 ? u'<' : i == padded - 1 ? u'>' : word.at(i - 1).unicode(); };
    const float weight = scale * kTrigramWeight / std::sqrt(float(padded - 2));
    for (qsizetype i = 0; i + 3 <= padded; ++i) {
        quint64 hash = kFnvOffset ^ 0x7472u;
        for (qsizetype k = i; k < i + 3; ++k) {
            hash ^= at(k);
            hash *= kFnvPrime;
        }
        addFeature(v, hash, weight);
    }
}

void normalize(std::vector<float> &v)
{
    double norm = 0;
    for (float x : v)
        norm += double(x) * x;
    if (norm <= 0)
        return;
    const float scale = float(1.0 / std::sqrt(norm));
    for (float &x : v)
        x *= scale;
}
} // namespace

std::vector<float> BuiltinEmbedder::embed(QStringView text) const
{
    return embedTokens(text::tokenize(text));
}

std::vector<float> BuiltinEmbedder::embedTokens(const QStringList &tokens, const QHash<QString, float> *weights) const
{
    std::vector<float> v(kDimension, 0.0f);
    for (const QString &token : tokens) {
        float scale = weights ? weights->value(token, 1.0f) : 1.0f;
        if (text::isFunctionWord(token))
            scale *= text::kFunctionWordWeight;
        addFeature(v, fnv(kFnvOffset, token), scale * kWordWeight);
        if (!text::isCjk(token.at(0).unicode()))
            addTrigrams(v, token, scale);
    }
    // Square-root damping keeps one repeated word from owning the vector.
    for (float &x : v)
        x = std::copysign(std::sqrt(std::fabs(x)), x);
    normalize(v);
    return v;
}

std::vector<float> BuiltinEmbedder::embedDocument(const QStringList &titleTokens, const QStringList &contentTokens) const
{
    std::vector<float> content = embedTokens(contentTokens);
    if (titleTokens.isEmpty())
        return content;
    const std::vector<float> title = embedTokens(titleTokens);
    for (int i = 0; i < kDimension; ++i)
        content[i] = 0.9f * content[i] + 0.1f * title[i];
    normalize(content);
    return content;
}

bool normalizeVector(std::vector<float> &vector)
{
    double norm = 0;
    for (float x : vector)
        norm += double(x) * x;
    if (!(norm > 0) || !std::isfinite(norm))
        return false;
    const float scale = float(1.0 / std::sqrt(norm));
    for (float &x : vector)
        x *= scale;
    return true;
}

QByteArray packVector(const std::vector<float> &vector)
{
    return QByteArray(reinterpret_cast<const char *>(vector.data()), qsizetype(vector.size() * sizeof(float)));
}

std::vector<float> unpackVector(const QByteArray &packed)
{
    std::vector<float> vector(size_t(packed.size()) / sizeof(float));
    if (!vector.empty()) // an empty vector's data() may be null, which memcpy may not be given
        std::memcpy(vector.data(), packed.constData(), vector.size() * sizeof(float));
    return vector;
}

float dot(const float *a, const float *b, int dimension)
{
    float sum = 0;
    for (int i = 0; i < dimension; ++i)
        sum += a[i] * b[i];
    return sum;
}

} // namespace rag::index
