// The cancellation token: a plain thread-safe object. Subscribers hear of a cancel on their own
// thread and never from inside cancel(); an ended subscription is never called, even when its
// call was already queued; linked tokens follow any of their parents; and whichever thread drops
// the last reference may destroy a token.
#include "core/cancel_token.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>
#include <vector>

using namespace rag;

class TestCancelToken : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void subscribersHearOnTheirOwnThread()
    {
        QThread worker;
        worker.start();
        QObject context;
        context.moveToThread(&worker);
        const CancelTokenPtr token = CancelToken::create();
        std::atomic<QThread *> calledOn{nullptr};
        CancelSubscription subscription = token->subscribe(&context, [&] { calledOn = QThread::currentThread(); });
        std::thread canceller([token] { token->cancel(); });
        canceller.join();
        QVERIFY(token->isCancelled());
        QTRY_COMPARE(calledOn.load(), &worker);
        // Ended on the context's thread, as its owner would.
        QMetaObject::invokeMethod(&context, [&subscription] { subscription.reset(); }, Qt::BlockingQueuedConnection);
        worker.quit();
        worker.wait();
    }

    void neverCalledFromInsideCancel()
    {
        const CancelTokenPtr token = CancelToken::create();
        int calls = 0;
        const CancelSubscription subscription = token->subscribe(this, [&] { ++calls; });
        token->cancel();
        QCOMPARE(calls, 0); // the canceller may hold locks: the callback waits for the event loop
        QTRY_COMPARE(calls, 1);
        token->cancel(); // the first call wins
        QCoreApplication::processEvents();
        QCOMPARE(calls, 1);
    }

    void endedSubscriptionIsNotCalledEvenWhenQueued()
    {
        const CancelTokenPtr token = CancelToken::create();
        int calls = 0;
        CancelSubscription subscription = token->subscribe(this, [&] { ++calls; });
        token->cancel(); // queued now
        subscription.reset();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 0);

        const CancelTokenPtr other = CancelToken::create();
        {
            const CancelSubscription scoped = other->subscribe(this, [&] { ++calls; });
        }
        other->cancel();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 0);
    }

    void subscribingLateStillHears()
    {
        const CancelTokenPtr token = CancelToken::create();
        token->cancel();
        int calls = 0;
        const CancelSubscription subscription = token->subscribe(this, [&] { ++calls; });
        QTRY_COMPARE(calls, 1);
    }

    void linkedTokensFollowAnyParent()
    {
        const CancelTokenPtr caller = CancelToken::create();
        const CancelTokenPtr shutdown = CancelToken::create();
        const CancelTokenPtr request = CancelToken::linkedTo(caller, shutdown);
        const CancelTokenPtr step = CancelToken::linkedTo(request);
        step->cancel(); // a step giving up stops only itself
        QVERIFY(!request->isCancelled());
        shutdown->cancel();
        QVERIFY(request->isCancelled());
        QVERIFY(!caller->isCancelled());

        const CancelTokenPtr late = CancelToken::linkedTo(nullptr, shutdown);
        QVERIFY(late->isCancelled()); // linked to a cancelled parent: cancelled from the start
        QVERIFY(!CancelToken::linkedTo(nullptr)->isCancelled());

        int calls = 0;
        const CancelTokenPtr child = CancelToken::linkedTo(caller);
        const CancelSubscription subscription = child->subscribe(this, [&] { ++calls; });
        caller->cancel();
        QTRY_COMPARE(calls, 1);
    }

    void parentsDoNotKeepChildrenAlive()
    {
        const CancelTokenPtr shutdown = CancelToken::create();
        std::weak_ptr<CancelToken> weak;
        {
            const CancelTokenPtr request = CancelToken::linkedTo(shutdown);
            weak = request;
        }
        QVERIFY(weak.expired());
        shutdown->cancel(); // nothing left to reach
    }

    // Tokens are shared by threads that cancel, subscribe, end subscriptions and drop the last
    // reference all at once (ASan and TSan watch this one).
    void sharedAcrossThreads()
    {
        QThread worker;
        worker.start();
        QObject context;
        context.moveToThread(&worker);
        std::atomic<int> heard{0};
        constexpr int kTokens = 200;
        for (int i = 0; i < kTokens; ++i) {
            CancelTokenPtr parent = CancelToken::create();
            CancelTokenPtr token = CancelToken::linkedTo(parent);
            QMetaObject::invokeMethod(&context, [token, &heard, &context] {
                // Both kept until the callback has run (the cancel always comes), and dropped
                // with it: on whichever thread lets go last.
                auto subscription = std::make_shared<CancelSubscription>();
                *subscription = token->subscribe(&context, [&heard, subscription, token] { ++heard; });
            }, Qt::QueuedConnection);
            std::thread canceller([parent = std::move(parent)] { parent->cancel(); });
            std::thread dropper([token = std::move(token)]() mutable { token.reset(); });
            canceller.join();
            dropper.join();
        }
        QTRY_COMPARE(heard.load(), kTokens);
        worker.quit();
        worker.wait();
    }
};

QTEST_GUILESS_MAIN(TestCancelToken)
#include "tst_cancel_token.moc"
