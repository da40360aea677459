// The engine on a thread of its own, asked from the test's thread as the GUI asks it: deltas and
// the outcome arrive as queued signals on the asker's thread, cancel and handle deletion stop the
// request, and the host shuts down cleanly with requests in flight.
#include "chat/engine_host.h"
#include "store/assistant_repository.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace rag;
using namespace rag::chat;

class TestEngineHost : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<test::SimulatorThread> m_sim;

    AskOptions offline()
    {
        AskOptions o;
        o.question = QStringLiteral("Why do sea otters hold hands?");
        o.adHoc.name = QStringLiteral("adhoc");
        o.adHoc.knowledgeBases = {QStringLiteral("nature")};
        o.save = false;
        return o;
    }

    AskOptions hanging()
    {
        store::ProviderRecord p{QStringLiteral("llm"), QStringLiteral("openai-compatible"), m_sim->url(QStringLiteral("/openai/v1")),
                                QStringLiteral("m")};
        if (!store::ProviderRepository(m_ws->workspace->database().connection()).add(p))
            qWarning("could not add the provider");
        m_sim->setProfileJson(R"({"endpoints":{"chat":{"faults":[{"kind":"hang"}]}}})");
        AskOptions o = offline();
        o.adHoc.llm = QStringLiteral("llm");
        return o;
    }

private slots:
    void init()
    {
        qRegisterMetaType<AskOutcome>();
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        m_sim = std::make_unique<test::SimulatorThread>();
    }

    void cleanup()
    {
        m_sim.reset();
        m_ws.reset();
    }

    void answersOnTheAskersThread()
    {
        EngineHost host(*m_ws->workspace);
        QVERIFY(host.engine()->thread() != QThread::currentThread());
        QStringList deltas;
        AskHandle *handle = host.ask(offline(), this);
        QVERIFY(!handle->isFinished()); // ask() returned before any work was done
        connect(handle, &AskHandle::delta, this, [&](const QString &d) {
            QCOMPARE(QThread::currentThread(), thread());
            deltas.append(d);
        });
        QSignalSpy finished(handle, &AskHandle::finished);
        QVERIFY(finished.wait(10000));
        QVERIFY2(handle->outcome().ok, qPrintable(handle->outcome().error));
        QCOMPARE(deltas.join(QString()), handle->outcome().result.answer);
        QVERIFY(handle->outcome().result.answer.contains(QStringLiteral("hold hands")));
        delete handle;
    }

    void cancelStopsTheRequest()
    {
        EngineHost host(*m_ws->workspace);
        AskHandle *handle = host.ask(hanging(), this);
        QSignalSpy finished(handle, &AskHandle::finished);
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 1, 10000);
        handle->cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(!handle->outcome().ok);
        QVERIFY(handle->outcome().error.contains(QStringLiteral("cancelled")));
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
        delete handle;
    }

    void deletingTheHandleCancels()
    {
        EngineHost host(*m_ws->workspace);
        AskHandle *handle = host.ask(hanging(), this);
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 1, 10000);
        delete handle; // the window that asked was closed
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
    }

    void monitorSamplesTheEngine()
    {
        EngineHost host(*m_ws->workspace);
        AskHandle *handle = host.ask(offline(), this);
        QSignalSpy finished(handle, &AskHandle::finished);
        QVERIFY(finished.wait(10000));
        QSignalSpy sampled(&host, &EngineHost::sampled);
        QVERIFY(sampled.wait(5000)); // every 250 ms, delivered on this thread
        const auto sample = sampled.takeFirst().at(0).value<metrics::RuntimeSample>();
        QVERIFY(sample.threads > 1);
        QVERIFY(sample.rssMb > 0);
        for (const char *pool : {"cpu", "db", "blocking"})
            QVERIFY2(sample.pools.contains(QString::fromLatin1(pool)), pool);
        QCOMPARE(sample.pools.value(QStringLiteral("blocking")).max, 35);
        QVERIFY(sample.loopLagMaxMs.contains(QStringLiteral("engine")));
        QVERIFY(sample.loopLagMaxMs.contains(QStringLiteral("gui")));
        QVERIFY(sample.stageInFlight.contains(QStringLiteral("rerank")));
        QCOMPARE(host.lastSample().atMs, sample.atMs);
        delete handle;
    }

    // Quitting with requests waiting on a provider that never answers, in both modes: they are
    // cancelled, unwind on the engine's own loop (no nested one) and the host is gone within the
    // drain bound; nothing they touch is freed before they return (ASan watches).
    void shutsDownWithRequestsInFlight_data()
    {
        QTest::addColumn<AskMode>("mode");
        QTest::newRow("async") << AskMode::Async;
        QTest::newRow("blocking") << AskMode::Blocking;
    }

    void shutsDownWithRequestsInFlight()
    {
        QFETCH(AskMode, mode);
        QTest::failOnWarning(QRegularExpression(QStringLiteral("did not drain")));
        std::vector<std::unique_ptr<AskHandle>> handles;
        {
            EngineHost host(*m_ws->workspace);
            for (int i = 0; i < 3; ++i) {
                AskOptions o = hanging();
                o.mode = mode;
                handles.emplace_back(host.ask(o));
            }
            QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 3, 10000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
    }

    // Quitting while answers stream, in both modes.
    void shutsDownMidStream_data() { shutsDownWithRequestsInFlight_data(); }

    void shutsDownMidStream()
    {
        QFETCH(AskMode, mode);
        QTest::failOnWarning(QRegularExpression(QStringLiteral("did not drain")));
        hanging();
        m_sim->setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":400,"tokens_per_s":20,"tokens_per_event":1}}})");
        std::vector<std::unique_ptr<AskHandle>> handles;
        int streaming = 0;
        {
            EngineHost host(*m_ws->workspace);
            for (int i = 0; i < 3; ++i) {
                AskOptions o = offline();
                o.adHoc.llm = QStringLiteral("llm");
                o.mode = mode;
                handles.emplace_back(host.ask(o));
                connect(handles.back().get(), &AskHandle::delta, this, [&streaming, first = true]() mutable {
                    if (std::exchange(first, false))
                        ++streaming;
                });
            }
            QTRY_COMPARE_WITH_TIMEOUT(streaming, 3, 10000);
        }
        for (const auto &handle : handles)
            QVERIFY(!handle->isFinished()); // cut short, not streamed to the end
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
    }
};

QTEST_GUILESS_MAIN(TestEngineHost)
#include "tst_engine_host.moc"
