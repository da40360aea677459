#include "support/embedding_fixture.h"

#include "store/provider_repository.h"
#include "support/fixtures.h"

#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

namespace rag::test {

namespace {

// One topic each, so a question of one topic has one right document.
const QList<QPair<QString, QByteArray>> kDocuments = {
    {QStringLiteral("otters.md"), "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"},
    {QStringLiteral("volcanoes.md"), "# Volcanoes\nA volcano erupts when pressure from magma builds up under the crust.\n"},
    {QStringLiteral("bees.md"), "# Bees\nHoney bees dance to tell the hive where the flowers are.\n"},
};

QCoro::Task<void> askInto(chat::ChatEngine *engine, chat::AskOptions options, Result<chat::AskResult> *out)
{
    *out = co_await engine->ask(options, [](const QString &) {});
}

bool addProvider(Workspace &workspace, const QString &name, const QString &kind, const QString &url)
{
    store::ProviderRecord p;
    p.name = name;
    p.kind = kind;
    p.baseUrl = url;
    p.model = QStringLiteral("sim-embed");
    p.maxConnections = 8;
    p.timeoutMs = 10'000;
    return store::ProviderRepository(workspace.database().connection()).add(p).ok();
}

} // namespace

EmbeddingFixture::EmbeddingFixture()
{
    ws = std::make_unique<TempWorkspace>();
    for (const auto &[name, text] : kDocuments) {
        if (!writeFile(docs() + u'/' + name, text))
            QTest::qFail("cannot write the documents", __FILE__, __LINE__);
    }
    sim = std::make_unique<SimulatorThread>();
    if (!sim->ok()
        || !addProvider(*ws->workspace, QStringLiteral("sim-embed"), QStringLiteral("openai-compatible"), sim->url(QStringLiteral("/openai/v1")))
        || !addProvider(*ws->workspace, QStringLiteral("sim-ollama"), QStringLiteral("ollama"), sim->url(QStringLiteral("/ollama")))
        || !addProvider(*ws->workspace, QStringLiteral("sim-rerank-only"), QStringLiteral("cohere"), sim->url(QStringLiteral("/cohere/v2"))))
        QTest::qFail("cannot start the simulator or add its providers", __FILE__, __LINE__);
    providers = std::make_unique<api::ProviderCalls>(*ws->workspace);
}

EmbeddingFixture::~EmbeddingFixture()
{
    providers.reset();
    sim.reset();
    ws.reset();
}

Result<api::KnowledgeBase> EmbeddingFixture::create(const QString &name, const QString &embedder, int chunkTokens)
{
    api::KnowledgeBaseSpec spec;
    spec.name = name;
    spec.embedder = embedder;
    spec.chunkTokens = chunkTokens;
    auto probed = providers->withDimension(spec);
    if (!probed)
        return fail(probed.error());
    return ws->workspace->createKnowledgeBase(*probed);
}

ingest::IngestReport EmbeddingFixture::ingest(const QString &kb, const QStringList &paths)
{
    auto record = ws->workspace->knowledgeBase(kb);
    auto job = ws->workspace->ingestJob(kb, paths);
    if (!record || !job) {
        ingest::IngestReport failed;
        failed.fatalError = record ? job.error() : record.error();
        return failed;
    }
    auto embedder = providers->chunkEmbedder(record->spec.embedder);
    (*job)->setChunkEmbedder(embedder.get());
    return (*job)->run();
}

Result<chat::AskResult> askAndWait(chat::ChatEngine &engine, const chat::AskOptions &options)
{
    Result<chat::AskResult> asked = fail(QString());
    QCoro::waitFor(askInto(&engine, options, &asked));
    return asked;
}

GatedEmbedder::GatedEmbedder(ingest::ChunkEmbedder *inner, int pass) : m_inner(inner), m_pass(pass)
{
    m_pool.setMaxThreadCount(8);
}

GatedEmbedder::~GatedEmbedder()
{
    open();
    m_pool.waitForDone();
}

QFuture<Result<ingest::Vectors>> GatedEmbedder::embed(const QStringList &texts, CancelTokenPtr cancel)
{
    if (m_calls++ < m_pass)
        return m_inner->embed(texts, cancel);
    ++held;
    return QtConcurrent::run(&m_pool, [this, texts, cancel] {
        m_gate.acquire();
        return m_inner->embed(texts, cancel).result();
    });
}

} // namespace rag::test
