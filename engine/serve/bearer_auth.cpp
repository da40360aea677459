#include "serve/bearer_auth.h"

#include <QCryptographicHash>

namespace rag::serve {

namespace {

QByteArray digestOf(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

} // namespace

BearerAuth::BearerAuth(const QList<QByteArray> &keys)
{
    // An empty key keeps its place (its index names it) but matches nothing.
    for (const QByteArray &key : keys)
        m_digests.append(key.isEmpty() ? QByteArray() : digestOf(key));
}

int BearerAuth::matchingKey(const QByteArray &authorization) const
{
    static constexpr QByteArrayView scheme("bearer ");
    const QByteArray trimmed = authorization.trimmed();
    if (trimmed.size() <= scheme.size() || trimmed.first(scheme.size()).toLower() != scheme)
        return -1;
    const QByteArray presented = digestOf(trimmed.mid(scheme.size()).trimmed());
    int matched = -1;
    for (qsizetype i = 0; i < m_digests.size(); ++i) {
        // No early exit: every key is compared, whichever matches.
        if (constantTimeEquals(presented, m_digests.at(i)))
            matched = int(i);
    }
    return matched;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace rag::serve
