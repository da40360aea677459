// serve's keys (docs/serve.md, "Keys"): which key a Bearer header carries, whatever its case and
// spacing, and nothing for a prefix, an extension or another scheme; and each key's request rate,
// a bucket that allows a burst of its rate and then refills at it.
#include "serve/bearer_auth.h"
#include "serve/key_rate_limits.h"

#include <QTest>

using rag::serve::BearerAuth;
using rag::serve::KeyRateLimits;

class TestServeKeys : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bearerHeaderNamesItsKey()
    {
        const BearerAuth auth({"alpha-key", "", "beta-key"});
        QVERIFY(auth.required());
        QCOMPARE(auth.matchingKey("Bearer alpha-key"), 0);
        QCOMPARE(auth.matchingKey("bearer   beta-key  "), 2);
        QCOMPARE(auth.matchingKey("BEARER beta-key"), 2);
        for (const QByteArray &header : {QByteArray(), QByteArray("alpha-key"), QByteArray("Bearer alpha-ke"),
                                         QByteArray("Bearer alpha-keyy"), QByteArray("Basic alpha-key"), QByteArray("Bearer "),
                                         QByteArray("Bearer")}) {
            QCOMPARE(auth.matchingKey(header), -1);
            QVERIFY(!auth.accepts(header));
        }
        QVERIFY(BearerAuth().accepts({})); // no keys: nothing asked
        QVERIFY(!BearerAuth().required());
    }

    void rateLimitAllowsABurstThenKeepsToTheRate()
    {
        KeyRateLimits limits({2.0, 0.0, 0.5});
        // Key 0, 2 a second: two at once, the third refused for a second.
        QVERIFY(!limits.takeAt(0, 0));
        QVERIFY(!limits.takeAt(0, 0));
        QCOMPARE(limits.takeAt(0, 0), std::optional<int>(1));
        QCOMPARE(limits.takeAt(0, 400), std::optional<int>(1)); // 0.8 of a token
        QVERIFY(!limits.takeAt(0, 500));                         // one token back after half a second
        QCOMPARE(limits.takeAt(0, 500), std::optional<int>(1));
        QVERIFY(!limits.takeAt(0, 10'000));                      // a long pause refills only up to the burst
        QVERIFY(!limits.takeAt(0, 10'000));
        QVERIFY(limits.takeAt(0, 10'000));
        // Key 1 has no limit; an unknown or absent key neither.
        for (int i = 0; i < 100; ++i)
            QVERIFY(!limits.takeAt(1, 0));
        QVERIFY(!limits.takeAt(-1, 0));
        QVERIFY(!limits.takeAt(7, 0));
        // Key 2, one every two seconds: Retry-After says 2.
        QVERIFY(!limits.takeAt(2, 0));
        QCOMPARE(limits.takeAt(2, 0), std::optional<int>(2));
        QCOMPARE(limits.takeAt(2, 1000), std::optional<int>(1));
        QVERIFY(!limits.takeAt(2, 2000));
    }
};

QTEST_GUILESS_MAIN(TestServeKeys)
#include "tst_serve_keys.moc"
