// The delta coalescer: the first delta at once, later ones gathered per interval, flush() at the
// end, and discard(): once a request is over, nothing reaches its sink any more.
#include "chat/delta_coalescer.h"

#include <QTest>

using rag::chat::DeltaCoalescer;

class TestDeltaCoalescer : public QObject {
    Q_OBJECT
private slots:
    void firstDeltaAtOnceThenGathered()
    {
        QStringList seen;
        DeltaCoalescer coalescer([&seen](const QString &text) { seen << text; }, 20);
        coalescer.push(QStringLiteral("Sea"));
        QCOMPARE(seen, QStringList{QStringLiteral("Sea")}); // what TTFC measures is not held back
        coalescer.push(QStringLiteral(" otters"));
        coalescer.push(QStringLiteral(" hold"));
        QCOMPARE(seen.size(), 1);
        QTRY_COMPARE(seen.size(), 2);
        QCOMPARE(seen.at(1), QStringLiteral(" otters hold"));
        coalescer.push(QStringLiteral(" hands."));
        coalescer.flush();
        QCOMPARE(seen.last(), QStringLiteral(" hands."));
        QCOMPARE(coalescer.delivered(), 3);
        coalescer.push(QString()); // empty deltas are nothing to deliver
        coalescer.flush();
        QCOMPARE(coalescer.delivered(), 3);
    }

    void discardStopsEveryDelivery()
    {
        int calls = 0;
        DeltaCoalescer coalescer([&calls](const QString &) { ++calls; }, 20);
        coalescer.push(QStringLiteral("a"));
        coalescer.push(QStringLiteral("b")); // gathered: the timer runs
        coalescer.discard();
        coalescer.push(QStringLiteral("c")); // a late delta from a pool thread's queue
        QTest::qWait(100);                   // several intervals: the timer had its chances
        coalescer.flush();
        QCOMPARE(calls, 1);
    }
};

QTEST_GUILESS_MAIN(TestDeltaCoalescer)
#include "tst_delta_coalescer.moc"
