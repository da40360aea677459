// Knowledge bases embedded by a provider, over real loopback HTTP to the simulator: the dimension
// learnt and recorded at creation, ingestion in batches with retries, failures and cancellation,
// a dimension that changes, re-embedding with the old vectors serving until the swap, the query
// embedded by the provider for search and as the chat pipeline's own `embed` stage, in both modes.
#include "api/provider_calls.h"
#include "chat/chat_engine.h"
#include "store/assistant_repository.h"
#include "store/document_repository.h"
#include "store/provider_repository.h"
#include "store/reembed_repository.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QSqlQuery>
#include <QSemaphore>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace std::chrono_literals;
using Status = ingest::IngestFileOutcome::Status;

namespace {

QCoro::Task<void> askInto(chat::ChatEngine *engine, chat::AskOptions options, Result<chat::AskResult> *out)
{
    *out = co_await engine->ask(options, [](const QString &) {});
}

// Paragraphs of one topic each, so a query of one topic has one right document.
const QList<QPair<QString, QByteArray>> kDocuments = {
    {QStringLiteral("otters.md"), "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"},
    {QStringLiteral("volcanoes.md"), "# Volcanoes\nA volcano erupts when pressure from magma builds up under the crust.\n"},
    {QStringLiteral("bees.md"), "# Bees\nHoney bees dance to tell the hive where the flowers are.\n"},
};

// Lets the first `pass` calls through to the provider and holds the others until open(): what
// happens while a provider is slow, without timing.
class GatedEmbedder : public ingest::ChunkEmbedder {
public:
    GatedEmbedder(ingest::ChunkEmbedder *inner, int pass) : m_inner(inner), m_pass(pass) { m_pool.setMaxThreadCount(8); }
    ~GatedEmbedder() override
    {
        open();
        m_pool.waitForDone();
    }
    QString name() const override { return m_inner->name(); }
    QFuture<Result<ingest::Vectors>> embed(const QStringList &texts, CancelTokenPtr cancel) override
    {
        if (m_calls++ < m_pass)
            return m_inner->embed(texts, cancel);
        ++held;
        return QtConcurrent::run(&m_pool, [this, texts, cancel] {
            m_gate.acquire();
            return m_inner->embed(texts, cancel).result();
        });
    }
    void open() { m_gate.release(1000); }
    std::atomic<int> held{0};

private:
    ingest::ChunkEmbedder *m_inner;
    int m_pass;
    std::atomic<int> m_calls{0};
    QSemaphore m_gate;
    QThreadPool m_pool;
};

} // namespace

class TestProviderEmbedders : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<test::SimulatorThread> m_sim;
    std::unique_ptr<api::ProviderCalls> m_embedding;

    void addProvider(const QString &name, const QString &kind, const QString &url)
    {
        store::ProviderRecord p;
        p.name = name;
        p.kind = kind;
        p.baseUrl = url;
        p.model = QStringLiteral("sim-embed");
        p.maxConnections = 8;
        p.timeoutMs = 10'000;
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(p).ok());
    }

    Result<api::KnowledgeBase> create(const QString &name, const QString &embedder, int chunkTokens = 512)
    {
        api::KnowledgeBaseSpec spec;
        spec.name = name;
        spec.embedder = embedder;
        spec.chunkTokens = chunkTokens;
        auto probed = m_embedding->withDimension(spec);
        if (!probed)
            return fail(probed.error());
        return m_ws->workspace->createKnowledgeBase(*probed);
    }

    ingest::IngestReport ingest(const QString &kb, const QStringList &paths)
    {
        auto record = m_ws->workspace->knowledgeBase(kb);
        auto job = m_ws->workspace->ingestJob(kb, paths);
        if (!record || !job)
            return {};
        auto embedder = m_embedding->chunkEmbedder(record->spec.embedder);
        (*job)->setChunkEmbedder(embedder.get());
        return (*job)->run();
    }

    QString docs() const { return m_ws->path(QStringLiteral("docs")); }

private slots:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        for (const auto &[name, text] : kDocuments)
            QVERIFY(test::writeFile(docs() + u'/' + name, text));
        m_sim = std::make_unique<test::SimulatorThread>();
        QVERIFY(m_sim->ok());
        addProvider(QStringLiteral("sim-embed"), QStringLiteral("openai-compatible"), m_sim->url(QStringLiteral("/openai/v1")));
        addProvider(QStringLiteral("sim-ollama"), QStringLiteral("ollama"), m_sim->url(QStringLiteral("/ollama")));
        addProvider(QStringLiteral("sim-rerank-only"), QStringLiteral("cohere"), m_sim->url(QStringLiteral("/cohere/v2")));
        m_embedding = std::make_unique<api::ProviderCalls>(*m_ws->workspace);
    }

    void cleanup()
    {
        m_embedding.reset();
        m_sim.reset();
        m_ws.reset();
    }

    void creationRecordsTheProvidersDimension()
    {
        auto kb = create(QStringLiteral("remote"), QStringLiteral("sim-embed"));
        QVERIFY2(kb.ok(), qPrintable(kb.ok() ? QString() : kb.error()));
        QCOMPARE(kb->spec.embedder, QStringLiteral("sim-embed"));
        QCOMPARE(kb->spec.dimension, 64); // the simulator's vectors (docs/simulator.md)
        QCOMPARE(m_sim->counters().requests.load(), 1);
        auto local = create(QStringLiteral("local"), QStringLiteral("builtin"));
        QVERIFY(local.ok());
        QCOMPARE(local->spec.dimension, index::BuiltinEmbedder::kDimension);
        QCOMPARE(m_sim->counters().requests.load(), 1); // the built-in embedder needs no probe
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("remote"))->spec.dimension, 64); // as stored
    }

    void creationRefusesWhatCannotEmbed()
    {
        auto unknown = create(QStringLiteral("a"), QStringLiteral("nobody"));
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().contains(QStringLiteral("no provider named 'nobody'")), qPrintable(unknown.error()));
        auto rerankOnly = create(QStringLiteral("b"), QStringLiteral("sim-rerank-only"));
        QVERIFY(!rerankOnly.ok());
        QVERIFY2(rerankOnly.error().contains(QStringLiteral("does not embed")), qPrintable(rerankOnly.error()));
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":401}]}}})");
        auto refused = create(QStringLiteral("c"), QStringLiteral("sim-embed"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("401")), qPrintable(refused.error()));
        // Nothing half-made is left behind, and a provider knowledge base needs its dimension.
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("c")).ok(), false);
        api::KnowledgeBaseSpec unprobed;
        unprobed.name = QStringLiteral("d");
        unprobed.embedder = QStringLiteral("sim-embed");
        QVERIFY(!m_ws->workspace->createKnowledgeBase(unprobed).ok());
    }

    void ingestionEmbedsInBatchesAndSearchFindsByTheProvidersVectors()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed"), 16).ok());
        // One long document of a chunk per paragraph: calls of at most 32 inputs (EmbedBatching).
        QStringList paragraphs;
        for (int i = 0; i < 70; ++i)
            paragraphs.append(QStringLiteral("Paragraph %1 about glaciers and ice sheets number %1.").arg(i));
        QVERIFY(test::writeFile(docs() + QStringLiteral("/glaciers.txt"), paragraphs.join(QStringLiteral("\n\n")).toUtf8()));
        const int before = m_sim->counters().requests.load();
        const ingest::IngestReport report = ingest(QStringLiteral("remote"), {docs()});
        QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
        QCOMPARE(report.count(Status::Added), 4);
        const qint64 longChunks = report.chunksWritten - 3; // the small files have a chunk each
        QVERIFY2(longChunks > 64, qPrintable(QString::number(longChunks)));
        QCOMPARE(m_sim->counters().requests.load() - before, int((longChunks + 31) / 32) + 3);
        const QByteArray body = m_sim->simulator().lastRequestBody("/openai/v1/embeddings");
        QVERIFY2(body.contains("\"model\":\"sim-embed\""), body.constData());

        auto vectors = m_embedding->queryVectors({*m_ws->workspace->knowledgeBase(QStringLiteral("remote"))},
                                                 QStringLiteral("why do otters hold hands"));
        QVERIFY(vectors.ok());
        QCOMPARE(vectors->value(QStringLiteral("sim-embed")).size(), size_t(64));
        index::SearchOptions options;
        auto found = m_ws->workspace->search(QStringLiteral("remote"), QStringLiteral("why do otters hold hands"), options, *vectors);
        QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error()));
        QVERIFY(!found->hits.isEmpty());
        QCOMPARE(found->hits.first().chunk.document, QStringLiteral("otters.md"));
        QVERIFY(found->hits.first().vectorSimilarity > 0.2); // the provider's vectors were searched

        // Without the provider's vector there is nothing to compare the chunks with.
        auto unembedded = m_ws->workspace->search(QStringLiteral("remote"), QStringLiteral("otters"), options);
        QVERIFY(!unembedded.ok());
        QVERIFY2(unembedded.error().contains(QStringLiteral("embedded by provider 'sim-embed'")), qPrintable(unembedded.error()));
    }

    void transientFailuresAreRetried()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-ollama")).ok());
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":503,"first":2}]}}})");
        const ingest::IngestReport report = ingest(QStringLiteral("remote"), {docs()});
        QCOMPARE(report.count(Status::Added), 3);
        QCOMPARE(report.count(Status::Failed), 0);
        QCOMPARE(m_sim->counters().faultsInjected.load(), 2);
    }

    void aProviderThatKeepsFailingFailsItsFilesNotTheJob()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        const ingest::IngestReport report = ingest(QStringLiteral("remote"), {docs()});
        QVERIFY(report.fatalError.isEmpty());
        QCOMPARE(report.count(Status::Failed), 3);
        for (const auto &file : report.files)
            QVERIFY2(file.error.contains(QStringLiteral("embedder 'sim-embed' answered HTTP 400")), qPrintable(file.error));
        auto stored = store::DocumentRepository(m_ws->workspace->database().connection())
                          .list(m_ws->workspace->knowledgeBase(QStringLiteral("remote"))->id);
        QCOMPARE(stored->size(), 3);
        QCOMPARE(stored->first().status, QStringLiteral("failed")); // shown in `kb docs`, retried next time
        // The provider recovers: the same files go in.
        m_sim->setProfileJson("{}");
        QCOMPARE(ingest(QStringLiteral("remote"), {docs()}).count(Status::Replaced), 3);
    }

    void aDimensionThatChangesIsAClearError()
    {
        api::KnowledgeBaseSpec spec;
        spec.name = QStringLiteral("remote");
        spec.embedder = QStringLiteral("sim-embed");
        spec.dimension = 32; // as if the provider's model had been changed since
        QVERIFY(m_ws->workspace->createKnowledgeBase(spec).ok());
        const ingest::IngestReport report = ingest(QStringLiteral("remote"), {docs()});
        QCOMPARE(report.count(Status::Failed), 3);
        QVERIFY2(report.files.first().error.contains(QStringLiteral("64-dimensional vector; knowledge base 'remote' holds 32-dimensional")),
                 qPrintable(report.files.first().error));
        auto vectors = m_embedding->queryVectors({*m_ws->workspace->knowledgeBase(QStringLiteral("remote"))}, QStringLiteral("otters"));
        QVERIFY(vectors.ok());
        auto found = m_ws->workspace->search(QStringLiteral("remote"), QStringLiteral("otters"), {}, *vectors);
        QVERIFY(!found.ok());
        QVERIFY2(found.error().contains(QStringLiteral("64-dimensional vector; the knowledge base holds 32-dimensional")),
                 qPrintable(found.error()));
    }

    void cancelStopsTheProvidersCalls()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        auto job = m_ws->workspace->ingestJob(QStringLiteral("remote"), {docs()});
        QVERIFY(job.ok());
        auto embedder = m_embedding->chunkEmbedder(QStringLiteral("sim-embed"));
        (*job)->setChunkEmbedder(embedder.get());
        ingest::IngestJob *running = job->get();
        QFuture<ingest::IngestReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->counters().inFlight.load() >= 1, 5000); // the job waits on the provider
        running->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 5000); // well inside the provider's 10 s timeout
        QVERIFY(run.result().cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000); // the calls were abandoned
    }

    void reembeddingSwapsTheVectorsWhenAllAreReady()
    {
        m_ws->ingest(QStringLiteral("nature"), {docs()}); // the built-in embedder's
        const QSqlDatabase db = m_ws->workspace->database().connection();
        auto provider = m_embedding->chunkEmbedder(QStringLiteral("sim-embed"));
        GatedEmbedder embedder(provider.get(), 0); // held until the checks below are done
        auto job = m_ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, &embedder);
        QVERIFY(job.ok());
        QList<ingest::ReembedProgress> progress;
        (*job)->setProgressHandler([&progress](const ingest::ReembedProgress &p) { progress.append(p); });
        ingest::ReembedJob *running = job->get();
        QFuture<ingest::ReembedReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(embedder.held.load() >= 1, 5000);
        // Meanwhile the old vectors serve: the built-in embedder still answers every search.
        auto during = m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {});
        QVERIFY2(during.ok(), qPrintable(during.ok() ? QString() : during.error()));
        QCOMPARE(during->hits.first().chunk.document, QStringLiteral("otters.md"));
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.embedder, QStringLiteral("builtin"));

        embedder.open();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 10000);
        const ingest::ReembedReport report = run.result();
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.chunks, 3);
        QCOMPARE(progress.constLast().chunksDone, 3);
        QCOMPARE(progress.constLast().chunksTotal, 3);
        const auto kb = m_ws->workspace->knowledgeBase(QStringLiteral("nature"));
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
        QVERIFY(!m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("otters"), {}).ok());
        auto vectors = m_embedding->queryVectors({*kb}, QStringLiteral("why do otters hold hands"));
        QVERIFY(vectors.ok());
        auto after = m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {}, *vectors);
        QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error()));
        QCOMPARE(after->hits.first().chunk.document, QStringLiteral("otters.md"));
        QVERIFY(after->hits.first().vectorSimilarity > 0.2);
        // A second workspace on the same data (another process) builds its index of the new vectors.
        auto other = m_ws->reopen();
        auto fromOther = other->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {}, *vectors);
        QVERIFY2(fromOther.ok(), qPrintable(fromOther.ok() ? QString() : fromOther.error()));
        QCOMPARE(fromOther->hits.first().vectorSimilarity, after->hits.first().vectorSimilarity);

        // And back to the built-in embedder.
        auto back = m_ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("builtin"), 0, nullptr);
        QVERIFY(back.ok());
        QVERIFY((*back)->run().ok());
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.dimension, index::BuiltinEmbedder::kDimension);
        auto builtin = m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("why do otters hold hands"), {});
        QVERIFY(builtin.ok());
        QCOMPARE(builtin->hits.first().vectorSimilarity, during->hits.first().vectorSimilarity); // the vectors it had
    }

    void aFailedOrCancelledReembeddingKeepsTheOldVectors()
    {
        m_ws->ingest(QStringLiteral("nature"), {docs()});
        auto embedder = m_embedding->chunkEmbedder(QStringLiteral("sim-embed"));
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        auto failing = m_ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, embedder.get());
        const ingest::ReembedReport failed = (*failing)->run();
        QVERIFY2(failed.error.contains(QStringLiteral("HTTP 400")), qPrintable(failed.error));

        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        auto hanging = m_ws->workspace->reembedJob(QStringLiteral("nature"), QStringLiteral("sim-embed"), 64, embedder.get());
        ingest::ReembedJob *running = hanging->get();
        QFuture<ingest::ReembedReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->counters().inFlight.load() >= 1, 5000);
        running->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 5000);
        QVERIFY(run.result().cancelled);

        const auto kb = m_ws->workspace->knowledgeBase(QStringLiteral("nature"));
        QCOMPARE(kb->spec.embedder, QStringLiteral("builtin"));
        QCOMPARE(kb->vectorGeneration, 0);
        QSqlQuery rows(m_ws->workspace->database().connection());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM reembed_vectors")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 0);
        QVERIFY(m_ws->workspace->search(QStringLiteral("nature"), QStringLiteral("otters"), {}).ok());
    }

    void theSwapWaitsForChunksWrittenMeanwhile()
    {
        m_ws->ingest(QStringLiteral("nature"), {docs()});
        const QSqlDatabase db = m_ws->workspace->database().connection();
        const qint64 kbId = m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->id;
        store::ReembedRepository staging(db);
        auto chunks = staging.unstaged(kbId, 0, 100);
        QCOMPARE(chunks->size(), 3);
        QList<store::StagedVector> vectors;
        for (const store::ChunkToEmbed &chunk : *chunks)
            vectors.append({chunk.id, index::packVector(std::vector<float>(64, 0.125f))});
        QVERIFY(staging.stage(kbId, vectors).ok());
        // A document ingested after the pages were read, before the swap.
        QVERIFY(test::writeFile(docs() + QStringLiteral("/late.md"), "# Late\nA late note about herons.\n"));
        m_ws->ingest(QStringLiteral("nature"), {docs()});
        QCOMPARE(*staging.swap(kbId, QStringLiteral("sim-embed"), 64), 1); // one chunk has no new vector
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("nature"))->spec.embedder, QStringLiteral("builtin")); // nothing changed

        // An ingestion prepared before a swap cannot add vectors of the embedder it replaced.
        auto stale = m_ws->workspace->ingestJob(QStringLiteral("nature"), {docs()});
        QVERIFY(test::writeFile(docs() + QStringLiteral("/later.md"), "# Later\nA later note about egrets.\n"));
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

    void otherWritersGoOnWhileTheProviderIsSlow()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        auto provider = m_embedding->chunkEmbedder(QStringLiteral("sim-embed"));
        GatedEmbedder embedder(provider.get(), 1); // the first document goes in; the next waits
        auto job = m_ws->workspace->ingestJob(QStringLiteral("remote"), {docs()});
        (*job)->setChunkEmbedder(&embedder);
        ingest::IngestJob *running = job->get();
        QFuture<ingest::IngestReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(embedder.held.load() >= 1, 5000);
        // The ingestion waits on the provider holding no write lock: another writer is not kept
        // waiting (SQLite's busy timeout would fail it after 10 s).
        QFuture<bool> write = QtConcurrent::run([this] {
            api::KnowledgeBaseSpec spec;
            spec.name = QStringLiteral("other");
            return m_ws->workspace->createKnowledgeBase(spec).ok();
        });
        QTRY_VERIFY_WITH_TIMEOUT(write.isFinished(), 5000);
        QVERIFY(write.result());
        QVERIFY(!run.isFinished());
        embedder.open();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 10000);
        QCOMPARE(run.result().count(Status::Added), 3);
    }

    void anIngestionFromBeforeAReembeddingByTheSameEmbedderIsRefused()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("seed/seed.md")), "# Seed\nA seed document.\n"));
        ingest(QStringLiteral("remote"), {m_ws->path(QStringLiteral("seed"))});
        auto embedder = m_embedding->chunkEmbedder(QStringLiteral("sim-embed"));
        // Jobs prepared here and in another process, then the knowledge base re-embedded by the
        // same provider (its model changed, say).
        auto stale = m_ws->workspace->ingestJob(QStringLiteral("remote"), {docs()});
        (*stale)->setChunkEmbedder(embedder.get());
        auto otherProcess = m_ws->reopen();
        auto staleThere = otherProcess->ingestJob(QStringLiteral("remote"), {docs()});
        (*staleThere)->setChunkEmbedder(embedder.get());
        auto again = m_ws->workspace->reembedJob(QStringLiteral("remote"), QStringLiteral("sim-embed"), 64, embedder.get());
        QVERIFY((*again)->run().ok());

        const ingest::IngestReport here = (*stale)->run(); // its index is of the new vectors
        QVERIFY2(here.fatalError.contains(QStringLiteral("re-embedded meanwhile")), qPrintable(here.fatalError));
        const ingest::IngestReport there = (*staleThere)->run(); // each document's write refuses
        QCOMPARE(there.count(Status::Failed), 3);
        QVERIFY2(there.files.first().error.contains(QStringLiteral("re-embedded")), qPrintable(there.files.first().error));
        // Nothing of the old generation went in.
        QSqlQuery rows(m_ws->workspace->database().connection());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM documents WHERE status = 'ready'")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), 1);
    }

    void theChatPipelineFollowsAReembeddingWhoseProviderIsGone()
    {
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QCOMPARE(ingest(QStringLiteral("remote"), {docs()}).count(Status::Added), 3);
        store::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("remote")};
        QVERIFY(store::AssistantRepository(m_ws->workspace->database().connection()).create(spec).ok());
        chat::ChatEngine engine(*m_ws->workspace);
        chat::AskOptions options;
        options.assistant = QStringLiteral("guide");
        options.question = QStringLiteral("Why do sea otters hold hands?");
        options.cancel = CancelToken::create();
        Result<chat::AskResult> asked = fail(QString());
        QCoro::waitFor(askInto(&engine, options, &asked));
        QVERIFY(asked.ok()); // the engine now knows "remote" as the provider's
        // Back to the built-in embedder (another process, say), and the provider removed.
        auto back = m_ws->workspace->reembedJob(QStringLiteral("remote"), QStringLiteral("builtin"), 0, nullptr);
        QVERIFY((*back)->run().ok());
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).remove(QStringLiteral("sim-embed")).ok());
        QCoro::waitFor(askInto(&engine, options, &asked));
        QVERIFY2(asked.ok(), qPrintable(asked.ok() ? QString() : asked.error()));
        QCOMPARE(asked->references.first().document, QStringLiteral("otters.md"));
    }

    void theChatPipelineEmbedsTheQuestionAsAStage_data()
    {
        QTest::addColumn<chat::AskMode>("mode");
        QTest::newRow("async") << chat::AskMode::Async;
        QTest::newRow("blocking") << chat::AskMode::Blocking;
    }

    void theChatPipelineEmbedsTheQuestionAsAStage()
    {
        QFETCH(chat::AskMode, mode);
        QVERIFY(create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QCOMPARE(ingest(QStringLiteral("remote"), {docs()}).count(Status::Added), 3);
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"latency":{"model":"fixed","ms":30}}}})");
        store::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("remote")};
        QVERIFY(store::AssistantRepository(m_ws->workspace->database().connection()).create(spec).ok());
        chat::ChatEngine engine(*m_ws->workspace);
        chat::AskOptions options;
        options.assistant = QStringLiteral("guide");
        options.question = QStringLiteral("Why do sea otters hold hands?");
        options.mode = mode;
        options.deadline = 30s;
        options.cancel = CancelToken::create();
        const int before = m_sim->counters().requests.load();
        Result<chat::AskResult> asked = fail(QString());
        QCoro::waitFor(askInto(&engine, options, &asked));
        QVERIFY2(asked.ok(), qPrintable(asked.ok() ? QString() : asked.error()));
        QCOMPARE(m_sim->counters().requests.load() - before, 1); // the question, embedded once
        QVERIFY2(asked->trace.value(QStringLiteral("embed")).toDouble() >= 30, qPrintable(QString::number(asked->trace.value(QStringLiteral("embed")).toDouble())));
        QVERIFY(!asked->references.isEmpty());
        QCOMPARE(asked->references.first().document, QStringLiteral("otters.md"));

        // A provider that cannot embed the question fails the request with its reason.
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        QCoro::waitFor(askInto(&engine, options, &asked));
        QVERIFY(!asked.ok());
        QVERIFY2(asked.error().contains(QStringLiteral("embedding the question")), qPrintable(asked.error()));
    }
};

QTEST_GUILESS_MAIN(TestProviderEmbedders)
#include "tst_provider_embedders.moc"
