#include "ingest/reembed_job.h"

#include "core/logging.h"
#include "index/builtin_embedder.h"
#include "store/knowledge_base_repository.h"
#include "store/reembed_repository.h"
#include "text/text_tokenizer.h"

#include <QtConcurrent/QtConcurrentRun>

#include <deque>

namespace rag::ingest {

namespace {

constexpr int kSwapAttempts = 5; // each one embeds what was ingested during the one before

// The built-in embedder's vectors for chunks, as ingestion makes them (title and content).
Result<Vectors> embedBuiltin(const QList<store::ChunkToEmbed> &chunks)
{
    const index::BuiltinEmbedder embedder;
    Vectors vectors;
    vectors.reserve(size_t(chunks.size()));
    for (const store::ChunkToEmbed &chunk : chunks)
        vectors.push_back(embedder.embedDocument(text::tokenize(chunk.title), text::tokenize(chunk.content)));
    return vectors;
}

} // namespace

ReembedJob::ReembedJob(std::shared_ptr<store::Database> database, index::VectorIndexStore &vectors, store::KnowledgeBase kb,
                       QString embedder, int dimension, ChunkEmbedder *chunkEmbedder)
    : m_database(std::move(database)), m_vectors(vectors), m_kb(std::move(kb)), m_embedder(std::move(embedder)),
      m_dimension(dimension), m_chunkEmbedder(chunkEmbedder)
{
}

Result<void> ReembedJob::embedAll(const QSqlDatabase &db, ReembedProgress &progress)
{
    store::ReembedRepository staging(db);
    struct Page {
        QList<store::ChunkToEmbed> chunks;
        QFuture<Result<Vectors>> vectors;
    };
    std::deque<Page> window; // in id order
    qint64 after = 0;
    bool exhausted = false;
    while (true) {
        while (!exhausted && qsizetype(window.size()) < kPagesInFlight) {
            auto chunks = staging.unstaged(m_kb.id, after, kPageChunks);
            if (!chunks)
                return fail(chunks.error());
            if (chunks->isEmpty()) {
                exhausted = true;
                break;
            }
            after = chunks->constLast().id;
            Page page{*chunks, {}};
            if (m_chunkEmbedder) {
                QStringList texts;
                for (const store::ChunkToEmbed &chunk : std::as_const(page.chunks))
                    texts.append(chunk.content);
                page.vectors = m_chunkEmbedder->embed(texts, m_cancel);
            } else {
                page.vectors = QtConcurrent::run(embedBuiltin, page.chunks);
            }
            window.push_back(std::move(page));
        }
        if (window.empty())
            return {};
        Page page = std::move(window.front());
        window.pop_front();
        const Result<Vectors> vectors = page.vectors.result();
        if (m_cancelled) {
            for (Page &pending : window)
                pending.vectors.waitForFinished(); // the provider's calls were cancelled too
            return {};
        }
        auto failed = [&](const QString &error) -> Result<void> {
            m_cancel->cancel(); // the pages still with the provider are of no use now
            for (Page &pending : window)
                pending.vectors.waitForFinished();
            return fail(error);
        };
        if (!vectors)
            return failed(vectors.error());
        const auto packed = packProviderVectors(m_embedder, *vectors, page.chunks.size(), m_dimension, [this](int got) {
            return QStringLiteral("embedder '%1' gave a %2-dimensional vector; it gave %3 dimensions when the re-embedding started")
                .arg(m_embedder, QString::number(got), QString::number(m_dimension));
        });
        if (!packed)
            return failed(packed.error());
        QList<store::StagedVector> staged;
        staged.reserve(page.chunks.size());
        for (qsizetype i = 0; i < page.chunks.size(); ++i)
            staged.append({page.chunks.at(i).id, packed->at(i)});
        if (auto stored = staging.stage(m_kb.id, staged); !stored)
            return failed(stored.error());
        progress.chunksDone += staged.size();
        progress.chunksTotal = std::max(progress.chunksTotal, progress.chunksDone);
        if (m_onProgress)
            m_onProgress(progress);
    }
}

ReembedReport ReembedJob::run()
{
    ReembedReport report;
    const QSqlDatabase db = m_database->connection();
    store::ReembedRepository staging(db);
    if (m_dimension < 1) {
        report.error = QStringLiteral("embedder '%1': the dimension of its vectors is not known").arg(m_embedder);
        return report;
    }
    if (m_embedder != index::BuiltinEmbedder::name() && !m_chunkEmbedder) {
        report.error = QStringLiteral("embedder '%1' is a provider, which this job cannot reach").arg(m_embedder);
        return report;
    }
    if (auto cleared = staging.clear(m_kb.id); !cleared) { // an earlier run's, interrupted
        report.error = cleared.error();
        return report;
    }
    auto total = staging.unstagedCount(m_kb.id);
    if (!total) {
        report.error = total.error();
        return report;
    }
    // What was staged goes (a later run would clear it too); the old vectors stay.
    auto abandon = [&](const QString &error) {
        report.cancelled = m_cancelled;
        report.error = error;
        if (auto cleared = staging.clear(m_kb.id); !cleared)
            qCWarning(lcIngest) << "cannot clear the staged vectors:" << cleared.error();
        return report;
    };
    ReembedProgress progress{0, *total};
    qint64 missing = 1;
    for (int attempt = 0; attempt < kSwapAttempts && missing > 0; ++attempt) {
        if (auto embedded = embedAll(db, progress); !embedded || m_cancelled)
            return abandon(embedded ? QString() : embedded.error());
        auto swapped = staging.swap(m_kb.id, m_embedder, m_dimension);
        if (!swapped)
            return abandon(swapped.error());
        missing = *swapped;
    }
    if (missing > 0)
        return abandon(QStringLiteral("the knowledge base kept growing during the re-embedding; run it again"));
    report.chunks = progress.chunksDone;
    // The old index is of the old vectors: built again now, so the next search does not wait.
    m_vectors.forget(m_kb.id);
    auto updated = store::KnowledgeBaseRepository(db).lookup(m_kb.spec.name);
    if (!updated)
        report.warning = updated.error();
    else if (auto opened = m_vectors.open(*updated, db); !opened)
        report.warning = QStringLiteral("the vector index will be built on the next search: %1").arg(opened.error());
    return report;
}

} // namespace rag::ingest
