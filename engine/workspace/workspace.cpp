#include "workspace/workspace.h"

#include "store/chunk_repository.h"
#include "store/document_repository.h"
#include "store/knowledge_base_repository.h"
#include "store/sql.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace rag {

QString defaultDataDir()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share") : base).filePath(QStringLiteral("ragdesk"));
}

Workspace::Workspace(QString dataDir, std::shared_ptr<store::Database> database, index::VectorIndexOptions options)
    : m_dataDir(std::move(dataDir)), m_database(std::move(database)),
      m_vectors(QDir(m_dataDir).filePath(QStringLiteral("vectors")), options),
      m_terms(QDir(m_dataDir).filePath(QStringLiteral("lexical")))
{
}

Result<std::unique_ptr<Workspace>> Workspace::open(const WorkspaceConfig &config)
{
    const QString dataDir = QDir(config.dataDir.isEmpty() ? defaultDataDir() : config.dataDir).absolutePath();
    const bool created = !QFileInfo::exists(dataDir);
    if (!QDir().mkpath(dataDir))
        return fail(QStringLiteral("cannot create the data folder %1").arg(dataDir));
    // Conversations, call bodies and maybe keys live here: only the user may look in (a folder
    // the user chose and made is left as it is).
    if (created)
        QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString url = config.database.isEmpty()
        ? QStringLiteral("sqlite:") + QDir(dataDir).filePath(QStringLiteral("ragdesk.sqlite"))
        : config.database;
    auto parsed = store::DatabaseUrl::parse(url);
    if (!parsed)
        return fail(parsed.error());
    auto database = store::Database::open(*parsed);
    if (!database)
        return fail(database.error());
    index::VectorIndexOptions options = config.vectorIndex;
    options.dimension = index::BuiltinEmbedder::kDimension;
    return std::unique_ptr<Workspace>(new Workspace(dataDir, std::move(*database), options));
}

Result<store::KnowledgeBase> Workspace::createKnowledgeBase(store::KnowledgeBaseSpec spec)
{
    if (spec.embedder.isEmpty() || spec.embedder == index::BuiltinEmbedder::name()) {
        spec.embedder = index::BuiltinEmbedder::name();
        spec.dimension = index::BuiltinEmbedder::kDimension;
    } else if (spec.dimension < 1) {
        return fail(QStringLiteral("embedder '%1': the dimension of its vectors is not known yet (ragdesk asks the "
                                   "provider for one vector when it creates the knowledge base)").arg(spec.embedder));
    }
    return store::KnowledgeBaseRepository(m_database->connection()).create(spec);
}

Result<store::KnowledgeBase> Workspace::knowledgeBase(const QString &name)
{
    return store::KnowledgeBaseRepository(m_database->connection()).find(name);
}

Result<void> Workspace::removeKnowledgeBase(const QString &name)
{
    auto kb = knowledgeBase(name);
    if (!kb)
        return kb.failure();
    if (auto removed = store::KnowledgeBaseRepository(m_database->connection()).remove(name); !removed)
        return removed;
    m_vectors.forget(kb->id);
    m_terms.forget(kb->id);
    return {};
}

Result<int> Workspace::removeDocuments(const QString &kbName, const QStringList &paths)
{
    const QSqlDatabase db = m_database->connection();
    auto kb = store::KnowledgeBaseRepository(db).lookup(kbName);
    if (!kb)
        return kb.failure();
    auto vectors = m_vectors.open(*kb, db);
    if (!vectors)
        return fail(vectors.error());
    store::Transaction transaction(db);
    if (!transaction.started())
        return fail(QStringLiteral("database error: %1").arg(transaction.startError()));
    store::DocumentRepository documents(db);
    QList<qint64> removedChunks;
    int removed = 0;
    for (const QString &path : paths) {
        auto known = documents.findByPath(kb->id, path);
        if (!known)
            return fail(known.error());
        if (!*known)
            continue;
        auto chunks = documents.remove(kb->id, path);
        if (!chunks)
            return fail(chunks.error());
        removedChunks += *chunks;
        ++removed;
    }
    if (auto committed = transaction.commit(); !committed)
        return fail(committed.error());
    // After the commit, as ingestion does: a crash in between leaves an index that its stamp
    // shows stale, rebuilt from the database on next use.
    for (qint64 id : std::as_const(removedChunks))
        (*vectors)->remove(id);
    if (auto saved = m_vectors.save(kb->id); !saved)
        return fail(saved.error());
    return removed;
}

Result<std::unique_ptr<ingest::IngestJob>> Workspace::ingestJob(const QString &kbName, const QStringList &paths)
{
    auto kb = store::KnowledgeBaseRepository(m_database->connection()).lookup(kbName);
    if (!kb)
        return kb.failure();
    return std::make_unique<ingest::IngestJob>(m_database, m_vectors, m_embedder, *kb, paths);
}

Result<std::unique_ptr<ingest::ReembedJob>> Workspace::reembedJob(const QString &kbName, const QString &embedder,
                                                                  int dimension, ingest::ChunkEmbedder *chunkEmbedder)
{
    auto kb = store::KnowledgeBaseRepository(m_database->connection()).lookup(kbName);
    if (!kb)
        return kb.failure();
    const bool builtin = embedder.isEmpty() || embedder == index::BuiltinEmbedder::name();
    return std::make_unique<ingest::ReembedJob>(m_database, m_vectors, *kb, builtin ? index::BuiltinEmbedder::name() : embedder,
                                                builtin ? index::BuiltinEmbedder::kDimension : dimension,
                                                builtin ? nullptr : chunkEmbedder);
}

QStringList providerEmbedders(const QStringList &embedders)
{
    QStringList providers;
    for (const QString &embedder : embedders) {
        if (embedder != index::BuiltinEmbedder::name() && !providers.contains(embedder))
            providers.append(embedder);
    }
    return providers;
}

Result<QStringList> Workspace::providerEmbedders(const QStringList &kbNames, bool reread)
{
    QStringList embedders;
    for (const QString &name : kbNames) {
        QString embedder;
        if (!reread) {
            QMutexLocker lock(&m_embeddersMutex);
            embedder = m_embedders.value(name);
        }
        if (embedder.isEmpty()) {
            auto kb = store::KnowledgeBaseRepository(m_database->connection()).lookup(name);
            if (!kb)
                return kb.failure();
            embedder = kb->spec.embedder;
            QMutexLocker lock(&m_embeddersMutex);
            m_embedders.insert(name, embedder);
        }
        embedders.append(embedder);
    }
    return rag::providerEmbedders(embedders);
}

Result<index::SearchResult> Workspace::search(const QString &kbName, const QString &query,
                                              const index::SearchOptions &options, const QueryVectors &queryVectors)
{
    const QSqlDatabase db = m_database->connection();
    const store::ReadSnapshot snapshot(db);
    auto kb = store::KnowledgeBaseRepository(db).lookup(kbName);
    if (!kb)
        return kb.failure();
    auto stamp = store::ChunkRepository(db).chunkStamp(kb->id);
    if (!stamp)
        return fail(stamp.error());
    auto terms = m_terms.open(kb->id, db, {stamp->chunks, stamp->maxChunkId});
    if (!terms)
        return fail(terms.error());
    {
        QMutexLocker lock(&m_embeddersMutex);
        m_embedders.insert(kbName, kb->spec.embedder);
    }
    const std::vector<float> *queryVector = nullptr;
    if (kb->spec.embedder != index::BuiltinEmbedder::name()) {
        const auto embedded = queryVectors.constFind(kb->spec.embedder);
        if (embedded == queryVectors.constEnd())
            return fail(QStringLiteral("knowledge base '%1' is embedded by provider '%2': the query must be embedded by it first")
                            .arg(kb->spec.name, kb->spec.embedder));
        queryVector = &*embedded;
    }
    auto vectors = m_vectors.open(*kb, db);
    if (!vectors)
        return fail(vectors.error());
    return index::HybridSearcher(db, **terms, **vectors, m_embedder).search(query, options, queryVector);
}

} // namespace rag
