// Admission under load: the queue follows a changing capacity, and the limit the engine gives it
// shrinks when answers start late and grows back, while used, when they start on time.
#include "chat/admission_limit.h"
#include "providers/http/admission_queue.h"

#include <QTest>

#include <cmath>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace std::chrono_literals;
using providers::Admission;
using providers::AdmissionQueue;

namespace {

QCoro::Task<void> acquireInto(AdmissionQueue *queue, std::optional<Admission> *out, CancelTokenPtr cancel = nullptr)
{
    out->emplace(co_await queue->acquire(10s, cancel));
}

} // namespace

class TestAdmission : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void queueFollowsItsCapacity()
    {
        AdmissionQueue queue(1, 10);
        std::optional<Admission> a, b, c;
        auto ta = acquireInto(&queue, &a);
        auto tb = acquireInto(&queue, &b);
        auto tc = acquireInto(&queue, &c);
        QCOMPARE(a, Admission::Granted);
        QCOMPARE(queue.queued(), 2);
        queue.setCapacity(2); // a waiter is let in at once
        QTRY_COMPARE(b, Admission::Granted);
        QCOMPARE(queue.inUse(), 2);
        QCOMPARE(queue.queued(), 1);
        queue.setCapacity(1); // ... and a smaller capacity waits for slots to come back
        queue.release();
        QCOMPARE(queue.inUse(), 1);
        QCOMPARE(queue.queued(), 1);
        QVERIFY(!c.has_value());
        queue.release();
        QTRY_COMPARE(c, Admission::Granted);
        QCOMPARE(queue.inUse(), 1);
        queue.release();
        QCOMPARE(queue.inUse(), 0);
        QCoro::waitFor(std::move(ta));
        QCoro::waitFor(std::move(tb));
        QCoro::waitFor(std::move(tc));
    }

    // An engine going away with requests still queued: they are told Cancelled, and neither their
    // timers nor their cancel tokens reach the deleted queue afterwards (ASan watches).
    void deletedQueueReleasesItsWaiters()
    {
        auto *queue = new AdmissionQueue(1, 10);
        const CancelTokenPtr cancel = CancelToken::create();
        std::optional<Admission> a, b, c;
        auto ta = acquireInto(queue, &a);
        auto tb = acquireInto(queue, &b, cancel);
        auto tc = acquireInto(queue, &c);
        QCOMPARE(a, Admission::Granted);
        QCOMPARE(queue->queued(), 2);
        delete queue;
        cancel->cancel();
        QTRY_COMPARE(b, Admission::Cancelled);
        QTRY_COMPARE(c, Admission::Cancelled);
        QCoro::waitFor(std::move(ta));
        QCoro::waitFor(std::move(tb));
        QCoro::waitFor(std::move(tc));
    }

    void cancelLeavesTheQueue()
    {
        AdmissionQueue queue(1, 10);
        const CancelTokenPtr cancel = CancelToken::create();
        std::optional<Admission> a, b, c;
        auto ta = acquireInto(&queue, &a);
        auto tb = acquireInto(&queue, &b, cancel);
        auto tc = acquireInto(&queue, &c);
        QCOMPARE(queue.queued(), 2);
        cancel->cancel(); // from this thread, as a deadline timer does: never settled inline
        QCOMPARE(queue.queued(), 2);
        QTRY_COMPARE(b, Admission::Cancelled);
        QCOMPARE(queue.queued(), 1);
        queue.release(); // the slot skips the cancelled waiter
        QTRY_COMPARE(c, Admission::Granted);
        queue.release();
        QCOMPARE(queue.inUse(), 0);
        QCoro::waitFor(std::move(ta));
        QCoro::waitFor(std::move(tb));
        QCoro::waitFor(std::move(tc));
    }

    void limitShrinksWhenAnswersStartLate()
    {
        chat::AdmissionLimit limit(8, 1024);
        QCOMPARE(limit.limit(), 1024); // a burst on a quiet engine is let in
        for (int i = 0; i < 200; ++i)
            limit.noteStart(100, 1024);
        QCOMPARE(limit.limit(), 1024);
        for (int i = 0; i < 600; ++i) // ten times the floor: overloaded
            limit.noteStart(1000, limit.limit());
        QVERIFY2(limit.limit() < 1024 / 2, qPrintable(QString::number(limit.limit())));
        for (int i = 0; i < 3000; ++i) // ever later, faster than the floor follows
            limit.noteStart(1000.0 * std::pow(2.0, i / 200.0), limit.limit());
        QCOMPARE(limit.limit(), 8); // never below its minimum
    }

    void limitGrowsBackOnlyWhileUsed()
    {
        chat::AdmissionLimit limit(8, 1024);
        for (int i = 0; i < 50; ++i)
            limit.noteStart(100, 0);
        for (int i = 0; i < 1000; ++i)
            limit.noteStart(800, limit.limit());
        const int low = limit.limit();
        QVERIFY(low < 100);
        for (int i = 0; i < 400; ++i) // healthy again, but nobody uses the slots
            limit.noteStart(100, 0);
        QCOMPARE(limit.limit(), low);
        for (int i = 0; i < 400; ++i) // healthy and used
            limit.noteStart(100, limit.limit());
        QVERIFY2(limit.limit() > 2 * low, qPrintable(QString::number(limit.limit())));
    }
};

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
