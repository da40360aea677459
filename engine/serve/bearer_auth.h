// Who may call serve's API: "Authorization: Bearer KEY" against the keys the server was started
// with (docs/serve.md, "Keys"). Keys are compared by their SHA-256 digests in constant time, so
// neither a key's length nor its first differing byte shows in the time a refusal takes, and a
// key is never kept, logged or echoed in the clear beyond the digest.
#pragma once

#include <QByteArray>
#include <QList>

namespace rag::serve {

class BearerAuth {
public:
    BearerAuth() = default; // no key: every request is accepted (loopback only, see ServeCommand)
    explicit BearerAuth(const QList<QByteArray> &keys);

    bool required() const { return !m_digests.isEmpty(); }
    // The Authorization header's value as received (may be empty). Every configured key is
    // compared, whichever matches.
    bool accepts(const QByteArray &authorization) const { return !required() || matchingKey(authorization) >= 0; }
    // Which key (its index in the list given) the header carries; -1 for none.
    int matchingKey(const QByteArray &authorization) const;
    // Key `index`'s SHA-256 digest: a secret of that key's holder (RAGFlow session ids are signed
    // with it); empty for -1 or no keys.
    QByteArray digest(int index) const { return m_digests.value(index); }

private:
    QList<QByteArray> m_digests;
};

// Byte-wise equal in time that depends only on the length of `a` (both are digests here).
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace rag::serve
