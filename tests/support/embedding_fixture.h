// What the suites of knowledge bases embedded by a provider share: a workspace with three small
// documents of one topic each, the simulator with an OpenAI-compatible ("sim-embed"), an Ollama
// ("sim-ollama") and a rerank-only ("sim-rerank-only") provider on it, api::ProviderCalls, and a
// gate that holds provider calls while a test looks at what happens meanwhile.
#pragma once

#include "api/provider_calls.h"
#include "chat/chat_engine.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QSemaphore>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace rag::test {

class EmbeddingFixture {
public:
    EmbeddingFixture(); // a failure fails the running test (QTest::qFail)
    ~EmbeddingFixture();

    // A knowledge base with `embedder`, its dimension asked of the provider.
    Result<api::KnowledgeBase> create(const QString &name, const QString &embedder, int chunkTokens = 512);
    // Ingests through the knowledge base's embedder.
    ingest::IngestReport ingest(const QString &kb, const QStringList &paths);
    QString docs() const { return ws->path(QStringLiteral("docs")); }

    std::unique_ptr<TempWorkspace> ws;
    std::unique_ptr<SimulatorThread> sim;
    std::unique_ptr<api::ProviderCalls> providers;
};

// Asks `engine` and waits for the outcome (deltas dropped).
Result<chat::AskResult> askAndWait(chat::ChatEngine &engine, const chat::AskOptions &options);

// Lets the first `pass` calls through to the provider and holds the others until open(): what
// happens while a provider is slow, without timing.
class GatedEmbedder : public ingest::ChunkEmbedder {
public:
    GatedEmbedder(ingest::ChunkEmbedder *inner, int pass);
    ~GatedEmbedder() override;
    QString name() const override { return m_inner->name(); }
    QFuture<Result<ingest::Vectors>> embed(const QStringList &texts, CancelTokenPtr cancel) override;
    void open() { m_gate.release(1000); }
    std::atomic<int> held{0}; // calls waiting at the gate, or past it

private:
    ingest::ChunkEmbedder *m_inner;
    int m_pass;
    std::atomic<int> m_calls{0};
    QSemaphore m_gate;
    QThreadPool m_pool;
};

} // namespace rag::test
