// Knowledge bases embedded by a provider, over real loopback HTTP to the simulator: the dimension
// learnt and recorded at creation, ingestion in batches with retries, failures and cancellation,
// other writers going on while the provider is slow, a dimension that changes, the query embedded
// by the provider for search and as the chat pipeline's own `embed` stage, in both modes.
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

class TestProviderEmbedders : public QObject {
    Q_OBJECT

    std::unique_ptr<test::EmbeddingFixture> m_fx;

private slots:
    void init() { m_fx = std::make_unique<test::EmbeddingFixture>(); }
    void cleanup() { m_fx.reset(); }

    void creationRecordsTheProvidersDimension()
    {
        auto kb = m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed"));
        QVERIFY2(kb.ok(), qPrintable(kb.ok() ? QString() : kb.error()));
        QCOMPARE(kb->spec.embedder, QStringLiteral("sim-embed"));
        QCOMPARE(kb->spec.dimension, 64); // the simulator's vectors (docs/simulator.md)
        QCOMPARE(m_fx->sim->counters().requests.load(), 1);
        auto local = m_fx->create(QStringLiteral("local"), QStringLiteral("builtin"));
        QVERIFY(local.ok());
        QCOMPARE(local->spec.dimension, index::BuiltinEmbedder::kDimension);
        QCOMPARE(m_fx->sim->counters().requests.load(), 1); // the built-in embedder needs no probe
        QCOMPARE(m_fx->ws->workspace->knowledgeBase(QStringLiteral("remote"))->spec.dimension, 64); // as stored
    }

    void creationRefusesWhatCannotEmbed()
    {
        auto unknown = m_fx->create(QStringLiteral("a"), QStringLiteral("nobody"));
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().contains(QStringLiteral("no provider named 'nobody'")), qPrintable(unknown.error()));
        auto rerankOnly = m_fx->create(QStringLiteral("b"), QStringLiteral("sim-rerank-only"));
        QVERIFY(!rerankOnly.ok());
        QVERIFY2(rerankOnly.error().contains(QStringLiteral("does not embed")), qPrintable(rerankOnly.error()));
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":401}]}}})");
        auto refused = m_fx->create(QStringLiteral("c"), QStringLiteral("sim-embed"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("401")), qPrintable(refused.error()));
        // Nothing half-made is left behind, and a provider knowledge base needs its dimension.
        QCOMPARE(m_fx->ws->workspace->knowledgeBase(QStringLiteral("c")).ok(), false);
        api::KnowledgeBaseSpec unprobed;
        unprobed.name = QStringLiteral("d");
        unprobed.embedder = QStringLiteral("sim-embed");
        QVERIFY(!m_fx->ws->workspace->createKnowledgeBase(unprobed).ok());
    }

    void ingestionEmbedsInBatchesAndSearchFindsByTheProvidersVectors()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed"), 16).ok());
        // One long document of a chunk per paragraph: calls of at most 32 inputs (EmbedBatching).
        QStringList paragraphs;
        for (int i = 0; i < 70; ++i)
            paragraphs.append(QStringLiteral("Paragraph %1 about glaciers and ice sheets number %1.").arg(i));
        QVERIFY(test::writeFile(m_fx->docs() + QStringLiteral("/glaciers.txt"), paragraphs.join(QStringLiteral("\n\n")).toUtf8()));
        const int before = m_fx->sim->counters().requests.load();
        const ingest::IngestReport report = m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()});
        QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
        QCOMPARE(report.count(Status::Added), 4);
        const qint64 longChunks = report.chunksWritten - 3; // the small files have a chunk each
        QVERIFY2(longChunks > 64, qPrintable(QString::number(longChunks)));
        QCOMPARE(m_fx->sim->counters().requests.load() - before, int((longChunks + 31) / 32) + 3);
        const QByteArray body = m_fx->sim->simulator().lastRequestBody("/openai/v1/embeddings");
        QVERIFY2(body.contains("\"model\":\"sim-embed\""), body.constData());

        auto vectors = m_fx->providers->queryVectors({*m_fx->ws->workspace->knowledgeBase(QStringLiteral("remote"))},
                                                 QStringLiteral("why do otters hold hands"));
        QVERIFY(vectors.ok());
        QCOMPARE(vectors->value(QStringLiteral("sim-embed")).size(), size_t(64));
        index::SearchOptions options;
        auto found = m_fx->ws->workspace->search(QStringLiteral("remote"), QStringLiteral("why do otters hold hands"), options, *vectors);
        QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error()));
        QVERIFY(!found->hits.isEmpty());
        QCOMPARE(found->hits.first().chunk.document, QStringLiteral("otters.md"));
        QVERIFY(found->hits.first().vectorSimilarity > 0.2); // the provider's vectors were searched

        // Without the provider's vector there is nothing to compare the chunks with.
        auto unembedded = m_fx->ws->workspace->search(QStringLiteral("remote"), QStringLiteral("otters"), options);
        QVERIFY(!unembedded.ok());
        QVERIFY2(unembedded.error().contains(QStringLiteral("embedded by provider 'sim-embed'")), qPrintable(unembedded.error()));
    }

    void transientFailuresAreRetried()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-ollama")).ok());
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":503,"first":2}]}}})");
        const ingest::IngestReport report = m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()});
        QCOMPARE(report.count(Status::Added), 3);
        QCOMPARE(report.count(Status::Failed), 0);
        QCOMPARE(m_fx->sim->counters().faultsInjected.load(), 2);
    }

    void aProviderThatKeepsFailingFailsItsFilesNotTheJob()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        const ingest::IngestReport report = m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()});
        QVERIFY(report.fatalError.isEmpty());
        QCOMPARE(report.count(Status::Failed), 3);
        for (const auto &file : report.files)
            QVERIFY2(file.error.contains(QStringLiteral("embedder 'sim-embed' answered HTTP 400")), qPrintable(file.error));
        auto stored = store::DocumentRepository(m_fx->ws->workspace->database().connection())
                          .list(m_fx->ws->workspace->knowledgeBase(QStringLiteral("remote"))->id);
        QCOMPARE(stored->size(), 3);
        QCOMPARE(stored->first().status, QStringLiteral("failed")); // shown in `kb docs`, retried next time
        // The provider recovers: the same files go in.
        m_fx->sim->setProfileJson("{}");
        QCOMPARE(m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()}).count(Status::Replaced), 3);
    }

    void aDimensionThatChangesIsAClearError()
    {
        api::KnowledgeBaseSpec spec;
        spec.name = QStringLiteral("remote");
        spec.embedder = QStringLiteral("sim-embed");
        spec.dimension = 32; // as if the provider's model had been changed since
        QVERIFY(m_fx->ws->workspace->createKnowledgeBase(spec).ok());
        const ingest::IngestReport report = m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()});
        QCOMPARE(report.count(Status::Failed), 3);
        QVERIFY2(report.files.first().error.contains(QStringLiteral("64-dimensional vector; knowledge base 'remote' holds 32-dimensional")),
                 qPrintable(report.files.first().error));
        auto vectors = m_fx->providers->queryVectors({*m_fx->ws->workspace->knowledgeBase(QStringLiteral("remote"))}, QStringLiteral("otters"));
        QVERIFY(vectors.ok());
        auto found = m_fx->ws->workspace->search(QStringLiteral("remote"), QStringLiteral("otters"), {}, *vectors);
        QVERIFY(!found.ok());
        QVERIFY2(found.error().contains(QStringLiteral("64-dimensional vector; the knowledge base holds 32-dimensional")),
                 qPrintable(found.error()));
    }

    void cancelStopsTheProvidersCalls()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        auto job = m_fx->ws->workspace->ingestJob(QStringLiteral("remote"), {m_fx->docs()});
        QVERIFY(job.ok());
        auto embedder = m_fx->providers->chunkEmbedder(QStringLiteral("sim-embed"));
        (*job)->setChunkEmbedder(embedder.get());
        ingest::IngestJob *running = job->get();
        QFuture<ingest::IngestReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(m_fx->sim->counters().inFlight.load() >= 1, 5000); // the job waits on the provider
        running->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 5000); // well inside the provider's 10 s timeout
        QVERIFY(run.result().cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx->sim->counters().inFlight.load(), 0, 5000); // the calls were abandoned
    }

    void otherWritersGoOnWhileTheProviderIsSlow()
    {
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        auto provider = m_fx->providers->chunkEmbedder(QStringLiteral("sim-embed"));
        test::GatedEmbedder embedder(provider.get(), 1); // the first document goes in; the next waits
        auto job = m_fx->ws->workspace->ingestJob(QStringLiteral("remote"), {m_fx->docs()});
        (*job)->setChunkEmbedder(&embedder);
        ingest::IngestJob *running = job->get();
        QFuture<ingest::IngestReport> run = QtConcurrent::run([running] { return running->run(); });
        QTRY_VERIFY_WITH_TIMEOUT(embedder.held.load() >= 1, 5000);
        // The ingestion waits on the provider holding no write lock: another writer is not kept
        // waiting (SQLite's busy timeout would fail it after 10 s).
        QFuture<bool> write = QtConcurrent::run([this] {
            api::KnowledgeBaseSpec spec;
            spec.name = QStringLiteral("other");
            return m_fx->ws->workspace->createKnowledgeBase(spec).ok();
        });
        QTRY_VERIFY_WITH_TIMEOUT(write.isFinished(), 5000);
        QVERIFY(write.result());
        QVERIFY(!run.isFinished());
        embedder.open();
        QTRY_VERIFY_WITH_TIMEOUT(run.isFinished(), 10000);
        QCOMPARE(run.result().count(Status::Added), 3);
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
        QVERIFY(m_fx->create(QStringLiteral("remote"), QStringLiteral("sim-embed")).ok());
        QCOMPARE(m_fx->ingest(QStringLiteral("remote"), {m_fx->docs()}).count(Status::Added), 3);
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"latency":{"model":"fixed","ms":30}}}})");
        store::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("remote")};
        QVERIFY(store::AssistantRepository(m_fx->ws->workspace->database().connection()).create(spec).ok());
        chat::ChatEngine engine(*m_fx->ws->workspace);
        chat::AskOptions options;
        options.assistant = QStringLiteral("guide");
        options.question = QStringLiteral("Why do sea otters hold hands?");
        options.mode = mode;
        options.deadline = 30s;
        options.cancel = CancelToken::create();
        const int before = m_fx->sim->counters().requests.load();
        Result<chat::AskResult> asked = test::askAndWait(engine, options);
        QVERIFY2(asked.ok(), qPrintable(asked.ok() ? QString() : asked.error()));
        QCOMPARE(m_fx->sim->counters().requests.load() - before, 1); // the question, embedded once
        QVERIFY2(asked->trace.value(QStringLiteral("embed")).toDouble() >= 30, qPrintable(QString::number(asked->trace.value(QStringLiteral("embed")).toDouble())));
        QVERIFY(!asked->references.isEmpty());
        QCOMPARE(asked->references.first().document, QStringLiteral("otters.md"));

        // A provider that cannot embed the question fails the request with its reason.
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        asked = test::askAndWait(engine, options);
        QVERIFY(!asked.ok());
        QVERIFY2(asked.error().contains(QStringLiteral("embedding the question")), qPrintable(asked.error()));
        QCOMPARE(errorKindName(asked.failure()), QStringLiteral("provider_http_400")); // the kind survives the rewording
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"malformed"}]}}})");
        asked = test::askAndWait(engine, options);
        QVERIFY(!asked.ok());
        QCOMPARE(errorKindName(asked.failure()), QStringLiteral("malformed"));

        // An embedder that hangs is ended by the request's deadline, and named so, whichever of
        // the embed call's timeout (the rest of the deadline) and the deadline's timer fires first.
        m_fx->sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        options.deadline = 300ms;
        for (int i = 0; i < 8; ++i) {
            asked = test::askAndWait(engine, options);
            QVERIFY(!asked.ok());
            QCOMPARE(errorKindName(asked.failure()), QStringLiteral("deadline"));
        }
    }
};

QTEST_GUILESS_MAIN(TestProviderEmbedders)
#include "tst_provider_embedders.moc"
