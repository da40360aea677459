// `kb reembed` (docs/providers.md, "Changing the embedder"): the old vectors serve until every new
// one is staged, then one swap; failures and cancel leave the knowledge base as it was; chunks
// written meanwhile; ingestions prepared before a swap refused, in this process and another; a
// chat engine that follows a re-embedding whose provider is gone.
#include "store/assistant_repository.h"
#include "store/document_repository.h"
#include "store/provider_repository.h"
#include "store/reembed_repository.h"
#include "support/embedding_fixture.h"
#include "support/fixtures.h"

#include <QSqlQuery>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace rag;
using namespace std::chrono_literals;
using Status = ingest::IngestFileOutcome::Status;

class TestReembed : public QObject {
    Q_OBJECT

    std::unique_ptr<test::EmbeddingFixture> m_fx;

private slots:
    void init() { m_fx = std::make_unique<test::EmbeddingFixture>(); }
    void cleanup() { m_fx.reset(); }

    void reembeddingSwapsTheVectorsWhenAllAreReady()
    {
        m_fx->ws->ingest(QStringLiteral("nature"), {m_fx->docs()}); // the built-in embedder's
        const QSqlDatabase db = m_fx->ws->workspace->database().connection();
        auto provider = m_fx->providers->chunkEmbedder(QStringLiteral("sim-embed"));
        test::GatedEmbedder embedder(provider.get(), 0); // held until the checks below are done
        auto job = m_fx->ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, &embedder);
        QVERIFY(job.ok());
        QList<ingest::ReembedProgress> progress;
        (*job)->setProgressHandler([&progress](const ingest::ReembedProgress &p) { progress.append(p); });
        ingest::ReembedJob *running = job->get();
        QFuture<ingest::ReembedReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(embedder.held.load() >= 1, 5000);
        // Meanwhile the old vectors serve: the built-in embedder still answers every search.
        auto during = m_fx->ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {});
        QVERIFY2(during.ok(), qPrintable(during.ok() ? QString() : during.error()));
        QCOMPARE(during->hits.first().chunk.document, QStringLiteral("otters.md"));
        QCOMPARE(m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.embedder, QStringLiteral("builtin"));

        embedder.open();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 10000);
        const ingest::ReembedReport report = run.result();
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.chunks, 3);
        QCOMPARE(progress.constLast().chunksDone, 3);
        QCOMPARE(progress.constLast().chunksTotal, 3);
        const auto kb = m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"));
        QCOMPARE(kb->spec.embedder, QStringLiteral("sim-embed"));
        QCOMPARE(kb->spec.dimension, 64);
        QCOMPARE(kb->vectorGeneration, 1);
        QSqlQuery rows(db);
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*), MIN(dim), MAX(dim), MIN(embedder) FROM vectors")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 3);
        QCOMPARE(rows.value(1).toInt(), 64);
        QCOMPARE(rows.value(2).toInt(), 64);
        QCOMPARE(rows.value(3).toString(), QStringLiteral("sim-embed"));
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM reembed_vectors")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 0);

        // Searches now need the provider's query vector, and find by it.
        QVERIFY(!m_fx->ws->workspace->search(QStringLiteral("nature"), QStringLiteral("otters"), {}).ok());
        auto vectors = m_fx->providers->queryVectors({*kb}, QStringLiteral("why do otters hold hands"));
        QVERIFY(vectors.ok());
        auto after = m_fx->ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {}, *vectors);
        QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error()));
        QCOMPARE(after->hits.first().chunk.document, QStringLiteral("otters.md"));
        QVERIFY(after->hits.first().vectorSimilarity > 0.2);
        // A second workspace on the same data (another process) builds its index of the new vectors.
        auto other = m_fx->ws->reopen();
        auto fromOther = other->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {}, *vectors);
        QVERIFY2(fromOther.ok(), qPrintable(fromOther.ok() ? QString() : fromOther.error()));
        QCOMPARE(fromOther->hits.first().vectorSimilarity, after->hits.first().vectorSimilarity);

        // And back to the built-in embedder.
        auto back = m_fx->ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("builtin"), 0, nullptr);
        QVERIFY(back.ok());
        QVERIFY((*back)->run().ok());
        QCOMPARE(m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.dimension, index::BuiltinEmbedder::kDimension);
        auto builtin = m_fx->ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {});
        QVERIFY(builtin.ok());
        QCOMPARE(builtin->hits.first().vectorSimilarity, during->hits.first().vectorSimilarity); // the vectors it had
    }

    void aFailedOrCancelledReembeddingKeepsTheOldVectors()
    {
        m_fx->ws->ingest(QStringLiteral("nature"), {m_fx->docs()});
        auto embedder = m_fx->providers->chunkEmbedder(QStringLiteral("sim-embed"));
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        auto failing = m_fx->ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, embedder.get());
        const ingest::ReembedReport failed = (*failing)->run();
        QVERIFY2(failed.error.contains(QStringLiteral("HTTP 400")), qPrintable(failed.error));

        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        auto hanging = m_fx->ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, embedder.get());
        ingest::ReembedJob *running = hanging->get();
        QFuture<ingest::ReembedReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(m_fx->sim->counters().inFlight.load() >= 1, 5000);
        running->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 5000);
        QVERIFY(run.result().cancelled);

        const auto kb = m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"));
        QCOMPARE(kb->spec.embedder, QStringLiteral("builtin"));
        QCOMPARE(kb->vectorGeneration, 0);
        QSqlQuery rows(m_fx->ws->workspace->database().connection());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM reembed_vectors")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 0);
        QVERIFY(m_fx->ws->workspace->search(QStringLiteral("nature"), QStringLiteral("otters"), {}).ok());
    }

    void theSwapWaitsForChunksWrittenMeanwhile()
    {
        m_fx->ws->ingest(QStringLiteral("nature"), {m_fx->docs()});
        const QSqlDatabase db = m_fx->ws->workspace->database().connection();
        const qint64 kbId = m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"))->id;
        store::ReembedRepository staging(db);
        auto chunks = staging.unstaged(kbId, 0, 100);
        QCOMPARE(chunks->size(), 3);
        QList<store::StagedVector> vectors;
        for (const store::ChunkToEmbed &chunk : *chunks)
            vectors.append({chunk.id, index::packVector(std::vector<float>(64, 0.125f))});
        QVERIFY(staging.stage(kbId, vectors).ok());
        // A document ingested after the pages were read, before the swap.
        QVERIFY(test::writeFile(m_fx->docs() + QStringLiteral("/late.md"), "# Late\nA late note about herons.\n"));
        m_fx->ws->ingest(QStringLiteral("nature"), {m_fx->docs()});
        QCOMPARE(*staging.swap(kbId, QStringLiteral("sim-embed"), 64), 1); // one chunk has no new vector
        QCOMPARE(m_fx->ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.embedder, QStringLiteral("builtin")); // nothing changed

        // An ingestion prepared before a swap cannot add vectors of the embedder it replaced.
        auto stale = m_fx->ws->workspace->ingestJob(QStringLiteral("nature"), {m_fx->docs()});
        QVERIFY(test::writeFile(m_fx->docs() + QStringLiteral("/later.md"), "# Later\nA later note about egrets.\n"));
        QVERIFY(staging.stage(kbId, {{staging.unstaged(kbId, 0, 100)->first().id, index::packVector(std::vector<float>(64, 0.125f))}}).ok());
        QCOMPARE(*staging.swap(kbId, QStringLiteral("sim-embed"), 64), 0);
        const ingest::IngestReport report = (*stale)->run();
        QCOMPARE(report.count(Status::Failed), 1);
        for (const ingest::IngestFileOutcome &file : report.files) {
            if (file.status == Status::Failed) {
                QVERIFY(file.path.endsWith(QStringLiteral("later.md")));
                QVERIFY2(file.error.contains(QStringLiteral("re-embedded (now by 'sim-embed')")), qPrintable(file.error));
            }
        }
    }

    void anIngestionFromBeforeAReembeddingByTheSameEmbedderIsRefused()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QVERIFY(test::writeFile(m_fx->ws->path(QStringLiteral("seed/seed.md")), "# Seed\nA seed document.\n"));
        m_fx->ingest(QStringLiteral("remote"), {m_fx->ws->path(QStringLiteral("seed"))});
        auto embedder = m_fx->providers->chunkEmbedder(QStringLiteral("sim-embed"));
        // Jobs prepared here and in another process, then the knowledge base re-embedded by the
        // same provider (its model changed, say).
        auto stale = m_fx->ws->workspace->ingestJob(QStringLiteral("remote"), {m_fx->docs()});
        (*stale)->setChunkEmbedder(embedder.get());
        auto otherProcess = m_fx->ws->reopen();
        auto staleThere = otherProcess->ingestJob(QStringLiteral("remote"), {m_fx->docs()});
        (*staleThere)->setChunkEmbedder(embedder.get());
        auto again = m_fx->ws->workspace->reembedJob(QStringLiteral("remote"), QStringLiteral("sim-embed"), 64, embedder.get());
        QVERIFY((*again)->run().ok());

        const ingest::IngestReport here = (*stale)->run(); // its index is of the new vectors
        QVERIFY2(here.fatalError.contains(QStringLiteral("re-embedded meanwhile")), qPrintable(here.fatalError));
        const ingest::IngestReport there = (*staleThere)->run(); // each document's write refuses
        QCOMPARE(there.count(Status::Failed), 3);
        QVERIFY2(there.files.first().error.contains(QStringLiteral("re-embedded")), qPrintable(there.files.first().error));
        // Nothing of the old generation went in.
        QSqlQuery rows(m_fx->ws->workspace->database().connection());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM documents WHERE status = 'ready'")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 1);
    }

    void theChatPipelineFollowsAReembeddingWhoseProviderIsGone()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QCOMPARE(m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()}).count(Status::Added), 3);
        store::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("remote")};
        QVERIFY(store::AssistantRepository(m_fx->ws->workspace->database().connection()).create(spec).ok());
        chat::ChatEngine engine(*m_fx->ws->workspace);
        chat::AskOptions options;
        options.assistant = QStringLiteral("guide");
        options.question = QStringLiteral("Why do sea otters hold hands?");
        options.cancel = CancelToken::create();
        Result<chat::AskResult> asked = test::askAndWait(engine, options);
        QVERIFY(asked.ok()); // the engine now knows "remote" as the provider's
        // Back to the built-in embedder (another process, say), and the provider removed.
        auto back = m_fx->ws->workspace->reembedJob(QStringLiteral("remote"), QStringLiteral("builtin"), 0, nullptr);
        QVERIFY((*back)->run().ok());
        QVERIFY(store::ProviderRepository(m_fx->ws->workspace->database().connection()).remove(QStringLiteral("sim-embed")).ok());
        asked = test::askAndWait(engine, options);
        QVERIFY2(asked.ok(), qPrintable(asked.ok() ? QString() : asked.error()));
        QCOMPARE(asked->references.first().document, QStringLiteral("otters.md"));
    }
};

QTEST_GUILESS_MAIN(TestReembed)
#include "tst_reembed.moc"
