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
    for (const QByteArray &key : keys) {
        if (!key.isEmpty())
            m_digests.append(digestOf(key));
    }
}

bool BearerAuth::accepts(const QByteArray &authorization) const
{
    if (!required())
        return true;
    static constexpr QByteArrayView scheme("bearer ");
    const QByteArray trimmed = authorization.trimmed();
    if (trimmed.size() <= scheme.size() || trimmed.first(scheme.size()).toLower() != scheme)
        return false;
    const QByteArray presented = digestOf(trimmed.mid(scheme.size()).trimmed());
    bool accepted = false;
    for (const QByteArray &digest : m_digests)
        accepted |= constantTimeEquals(presented, digest); // no early exit: every key is compared
    return accepted;
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
