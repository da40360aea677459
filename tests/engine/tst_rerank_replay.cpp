// Replaying a logged rerank call: the log keeps the query whole and the documents as chunk ids,
// the replay sends them to another reranker over real loopback HTTP (or the built-in one), ranks
// both ways, leaves out what is no longer stored, says why a call cannot be replayed, keeps
// secrets out of the logged query, and stops when cancelled.
#include "api/configured_providers.h"
#include "api/rerank_calls.h"
#include "chat/engine_host.h"
#include "providers/builtin/lexical_reranker.h"
#include "providers/rerank/reranker.h"
#include "providers/wire/score_normalizer.h"
#include "store/chunk_repository.h"
#include "store/rerank_call_repository.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QSignalSpy>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace rag;
using namespace rag::chat;

namespace {

const QString kKey = QStringLiteral("sk-replay-secret-4242");
const QString kQuestion = QStringLiteral("Why do sea otters hold hands while they sleep?");

} // namespace

class TestRerankReplay : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<test::SimulatorThread> m_sim;

    // One answer reranked by `reranker`; returns the newest logged call, read with its bodies.
    store::RerankCallRecord askAndLog(const QString &question, const QString &reranker = QStringLiteral("co"))
    {
        {
            EngineHost host(*m_ws->workspace);
            AskOptions options;
            options.question = question;
            options.adHoc.name = QStringLiteral("adhoc");
            options.adHoc.knowledgeBases = {QStringLiteral("nature")};
            options.adHoc.reranker = reranker;
            options.save = false;
            AskHandle *handle = host.ask(options, this);
            QSignalSpy finished(handle, &AskHandle::finished);
            if (!finished.wait(10000))
                qWarning("the answer did not finish");
        } // the host's call log writes what is pending as it goes
        auto calls = api::RerankCalls(*m_ws->workspace).query({.limit = 1, .withBodies = true});
        return calls && !calls->isEmpty() ? calls->constFirst() : store::RerankCallRecord{};
    }

    api::RerankReplayReport replay(qint64 id, const QString &reranker, CancelTokenPtr cancel = {})
    {
        return api::RerankCalls(*m_ws->workspace).replay(id, reranker, std::move(cancel));
    }

private Q_SLOTS:
    void init()
    {
        qRegisterMetaType<AskOutcome>();
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")),
                                "# Bees\nHoney bees dance to tell the hive where the flowers are.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/rivers.md")),
                                "# Rivers\nOtters live by rivers and sleep in dens along the bank.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/tides.md")),
                                "# Tides\nThe sea rises and falls twice a day; sleep through it if you can.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        m_sim = std::make_unique<test::SimulatorThread>();
        QString warning;
        const store::ProviderRecord cohere{QStringLiteral("co"), QStringLiteral("cohere"), m_sim->url(QStringLiteral("/cohere")),
                                           QStringLiteral("rerank-v3.5")};
        QVERIFY(api::ConfiguredProviders(*m_ws->workspace).add(cohere, kKey, &warning));
    }

    void cleanup()
    {
        m_sim.reset();
        m_ws.reset();
    }

    void keepsWhatAReplayNeeds()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion);
        QVERIFY(call.ok);
        QCOMPARE(call.query, kQuestion);
        QCOMPARE(call.chunkIds.size(), qsizetype(call.documents));
        QCOMPARE(call.scores.size(), call.chunkIds.size());
        QVERIFY(call.replayable());
        auto chunks = store::ChunkRepository(m_ws->workspace->database().connection()).chunks(call.chunkIds);
        QVERIFY(chunks);
        QCOMPARE(chunks->size(), call.chunkIds.size()); // every id names a stored chunk
        // The scores are the provider's, in document order: the best of them is the top score.
        QCOMPARE(*std::max_element(call.scores.begin(), call.scores.end()), call.topScores.value(0));
    }

    void replaysToTheBuiltinReranker()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion);
        const api::RerankReplayReport report = replay(call.id, QStringLiteral("builtin"));
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.rows.size(), call.chunkIds.size());
        QCOMPARE(report.missing, 0);
        QCOMPARE(report.loggedProvider, QStringLiteral("co"));
        QCOMPARE(report.replayProvider, QStringLiteral("builtin"));

        // The replay scored exactly what the built-in reranker scores for these texts, and both
        // rankings are permutations ordered by their scores.
        auto chunks = store::ChunkRepository(m_ws->workspace->database().connection()).chunks(call.chunkIds);
        QVERIFY(chunks);
        QStringList texts;
        for (const store::ChunkView &chunk : std::as_const(*chunks))
            texts.append(providers::rerankDocumentText(chunk.document, chunk.content));
        const QList<double> expected = providers::lexicalRerankScores(call.query, texts);
        const QList<double> logged = providers::normalizeScores(call.scores);
        QList<int> loggedRanks, replayRanks;
        for (const api::RerankReplayRow &row : report.rows) {
            const qsizetype at = call.chunkIds.indexOf(row.chunkId);
            QVERIFY(at >= 0);
            QVERIFY(qAbs(row.replayScore - expected.at(at)) < 1e-9);
            QVERIFY(qAbs(row.loggedScore - logged.at(at)) < 1e-9);
            loggedRanks.append(row.loggedRank);
            replayRanks.append(row.replayRank);
        }
        for (int i = 1; i < report.rows.size(); ++i) {
            QCOMPARE(loggedRanks.at(i), loggedRanks.at(i - 1) + 1); // shown in the logged order
            QVERIFY(report.rows.at(i).loggedScore <= report.rows.at(i - 1).loggedScore);
        }
        std::sort(replayRanks.begin(), replayRanks.end());
        for (int i = 0; i < replayRanks.size(); ++i)
            QCOMPARE(replayRanks.at(i), i + 1);
        for (const api::RerankReplayRow &a : report.rows) {
            for (const api::RerankReplayRow &b : report.rows) {
                if (a.replayRank < b.replayRank)
                    QVERIFY(a.replayScore >= b.replayScore);
            }
        }
    }

    // The simulator scores deterministically: the same provider again moves nothing. The replay
    // is a real call, logged as such, and replayable in its turn.
    void replaysToTheSameProviderUnchangedAndLogsTheReplay()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion);
        const qint64 before = *api::RerankCalls(*m_ws->workspace).count();
        const api::RerankReplayReport report = replay(call.id, QStringLiteral("co"));
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.moved(), 0);
        for (const api::RerankReplayRow &row : report.rows)
            QVERIFY(qAbs(row.replayScore - row.loggedScore) < 1e-9);
        QVERIFY(report.replayLatencyMs > 0);

        QCOMPARE(*api::RerankCalls(*m_ws->workspace).count(), before + 1);
        auto newest = api::RerankCalls(*m_ws->workspace).query({.limit = 1, .withBodies = true});
        QVERIFY(newest && newest->size() == 1);
        QCOMPARE(newest->constFirst().mode, QStringLiteral("async"));
        QCOMPARE(newest->constFirst().chunkIds, call.chunkIds);
        QCOMPARE(newest->constFirst().query, call.query);
    }

    void leavesOutWhatIsNoLongerStored()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion);
        auto removed = m_ws->workspace->removeDocuments(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs/otters.md"))});
        QVERIFY2(removed && *removed == 1, removed ? "" : qPrintable(removed.error()));
        auto left = store::ChunkRepository(m_ws->workspace->database().connection()).chunks(call.chunkIds);
        QVERIFY(left);
        const int gone = int(call.chunkIds.size() - left->size());
        QVERIFY(gone > 0);

        const api::RerankReplayReport report = replay(call.id, QStringLiteral("builtin"));
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.missing, gone);
        QCOMPARE(report.rows.size(), left->size());
        for (const api::RerankReplayRow &row : report.rows)
            QVERIFY(!row.document.contains(QStringLiteral("otters.md")) && !row.text.contains(QStringLiteral("drift apart")));
    }

    void saysWhyACallCannotBeReplayed()
    {
        // A provider test's call scores two made-up texts: nothing to read back.
        QVERIFY(api::ConfiguredProviders(*m_ws->workspace).test(QStringLiteral("co"), QStringLiteral("rerank")).ok);
        auto probe = api::RerankCalls(*m_ws->workspace).query({.limit = 1, .withBodies = true});
        QVERIFY(probe && !probe->isEmpty() && !probe->constFirst().replayable());
        QVERIFY(replay(probe->constFirst().id, QStringLiteral("builtin")).error.contains(QStringLiteral("without its documents")));

        m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":400}]}}})");
        const store::RerankCallRecord failed = askAndLog(kQuestion);
        QVERIFY(!failed.ok);
        QVERIFY(replay(failed.id, QStringLiteral("builtin")).error.contains(QStringLiteral("failed")));

        QVERIFY(replay(999'999, QStringLiteral("builtin")).error.contains(QStringLiteral("no rerank call 999999")));
        m_sim->setProfileJson("{}");
        const store::RerankCallRecord call = askAndLog(kQuestion);
        QVERIFY(replay(call.id, QStringLiteral("nobody")).error.contains(QStringLiteral("nobody")));
        QVERIFY(replay(call.id, QStringLiteral("none")).error.contains(QStringLiteral("does not rerank")));
    }

    void keepsTheKeyOutOfTheLoggedQuery()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion + QStringLiteral(" ") + kKey);
        QVERIFY(call.ok);
        QVERIFY2(!call.query.contains(kKey), qPrintable(call.query));
        QVERIFY(call.query.startsWith(kQuestion));
    }

    void cancellingStopsAReplay()
    {
        const store::RerankCallRecord call = askAndLog(kQuestion);
        m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"hang"}]}}})");
        const int seen = m_sim->counters().requests;
        const CancelTokenPtr token = CancelToken::create();
        QFuture<api::RerankReplayReport> running = QtConcurrent::run([this, id = call.id, token] {
            return replay(id, QStringLiteral("co"), token);
        });
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->counters().requests > seen, 10000); // the call is on the wire
        token->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(running.isFinished(), 10000);
        QVERIFY2(running.result().error.contains(QStringLiteral("cancel")), qPrintable(running.result().error));
    }
};

QTEST_GUILESS_MAIN(TestRerankReplay)
#include "tst_rerank_replay.moc"
