#include "ingest/ingest_job.h"

#include "core/logging.h"
#include "ingest/document_parser.h"
#include "ingest/document_preparer.h"
#include "ingest/write_batch.h"
#include "store/document_repository.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <deque>
#include <optional>

namespace rag::ingest {

using Status = IngestFileOutcome::Status;

int IngestReport::count(Status status) const
{
    return int(std::count_if(files.cbegin(), files.cend(), [status](const IngestFileOutcome &f) { return f.status == status; }));
}

// What a CPU-pool worker hands back for one file.
struct IngestJob::FileWork {
    QString path;
    QString error;
    bool unchanged = false;
    qint64 bytes = 0;
    store::PreparedDocument document;
};

IngestJob::IngestJob(std::shared_ptr<store::Database> database, index::VectorIndexStore &vectors,
                     const index::BuiltinEmbedder &embedder, store::KnowledgeBase kb, QStringList paths)
    : m_database(std::move(database)), m_vectors(vectors), m_embedder(embedder), m_kb(std::move(kb)),
      m_paths(std::move(paths))
{
}

void IngestJob::attachVectors(FileWork &work, const Result<Vectors> &vectors) const
{
    const QString embedder = m_chunkEmbedder->name();
    if (!vectors) {
        work.error = vectors.error();
        return;
    }
    const auto packed = packProviderVectors(embedder, *vectors, work.document.chunks.size(), m_kb.spec.dimension, [&](int got) {
        return QStringLiteral("embedder '%1' gave a %2-dimensional vector; knowledge base '%3' holds %4-dimensional ones "
                              "(re-embed it: 'ragdesk kb reembed %3 --embedder PROVIDER')")
            .arg(embedder, QString::number(got), m_kb.spec.name, QString::number(m_kb.spec.dimension));
    });
    if (!packed) {
        work.error = packed.error();
        return;
    }
    for (qsizetype i = 0; i < packed->size(); ++i)
        work.document.chunks[i].vector = packed->at(i);
    work.document.embedder = embedder;
    work.document.dimension = m_kb.spec.dimension;
}

namespace {
// What is in a folder, recursively, in path order: documents to ingest, files skipped with their
// reason, and what cannot be read (an unreadable file or folder, a link to nothing) as failures:
// nothing inside a named folder goes unreported (docs/reliability.md).
void walkFolder(const QString &folder, QList<IngestFileOutcome> &files)
{
    QList<IngestFileOutcome> found;
    QDirIterator it(folder, QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        // Hidden files and folders (.git, .cache) hold no documents a user meant to ingest.
        if (path.mid(folder.size()).contains(QLatin1String("/.")))
            continue;
        const QFileInfo info = it.fileInfo();
        if (!info.exists() && !info.isSymLink()) { // listed, but not to be looked at (a folder without x)
            found.append({path, Status::Failed, QStringLiteral("cannot read: permission denied")});
        } else if (info.isSymLink() && !info.exists()) {
            found.append({path, Status::Failed, QStringLiteral("cannot read: the link's target does not exist")});
        } else if (info.isDir() && info.isSymLink()) {
            found.append({path, Status::Skipped, QStringLiteral("a link to a folder is not followed")});
        } else if (info.isDir()) {
            if (!info.isReadable() || !info.isExecutable())
                found.append({path, Status::Failed, QStringLiteral("cannot read the folder: permission denied")});
        } else if (!info.isFile()) {
            found.append({path, Status::Skipped, QStringLiteral("not a regular file")});
        } else if (!isSupportedFile(path)) {
            found.append({path, Status::Skipped, QStringLiteral("unsupported file type")});
        } else {
            found.append({path, Status::Added}); // an unreadable file fails when it is read, with the reason
        }
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.path < b.path; });
    files.append(found);
}
} // namespace

QList<IngestFileOutcome> IngestJob::collectFiles() const
{
    QList<IngestFileOutcome> files;
    for (const QString &path : m_paths) {
        const QFileInfo info(path);
        if (!info.exists())
            files.append({path, Status::Failed, QStringLiteral("no such file or folder")});
        else if (info.isDir() && (!info.isReadable() || !info.isExecutable()))
            files.append({info.absoluteFilePath(), Status::Failed, QStringLiteral("cannot read the folder: permission denied")});
        else if (info.isDir())
            walkFolder(info.absoluteFilePath(), files);
        else if (!info.isFile())
            files.append({info.absoluteFilePath(), Status::Failed, QStringLiteral("not a regular file")});
        else
            files.append({info.absoluteFilePath(), Status::Added}); // explicit files are always attempted
    }
    // A file named twice (or inside two named folders) is ingested once.
    QSet<QString> seen;
    files.removeIf([&seen](const IngestFileOutcome &file) {
        if (seen.contains(file.path))
            return true;
        seen.insert(file.path);
        return false;
    });
    return files;
}

IngestReport IngestJob::run()
{
    IngestReport report;
    QList<IngestFileOutcome> files = collectFiles();
    const QSqlDatabase db = m_database->connection();
    store::DocumentRepository documents(db);
    auto known = documents.list(m_kb.id);
    if (!known) {
        report.fatalError = known.error();
        return report;
    }
    QHash<QString, store::StoredDocument> stored;
    for (const store::StoredDocument &doc : std::as_const(*known))
        stored.insert(doc.path, doc);
    if (usesProvider() && !m_chunkEmbedder) {
        report.fatalError = QStringLiteral("knowledge base '%1' is embedded by provider '%2', which this ingestion cannot reach")
                                .arg(m_kb.spec.name, m_kb.spec.embedder);
        return report;
    }
    auto index = m_vectors.open(m_kb, db);
    if (!index) {
        report.fatalError = index.error();
        return report;
    }

    const ChunkerOptions chunking{m_kb.spec.chunkTokens, m_kb.spec.overlapPercent, m_kb.spec.delimiters};
    const index::BuiltinEmbedder *builtin = usesProvider() ? nullptr : &m_embedder;
    auto prepare = [this, chunking, stored, builtin](const QString &path) {
        FileWork work;
        work.path = path;
        if (m_cancelled)
            return work;
        auto content = readFile(path, m_limits.maxFileBytes);
        if (!content) {
            work.error = content.error();
            return work;
        }
        work.bytes = content->bytes.size();
        const auto previous = stored.constFind(path);
        if (previous != stored.constEnd() && previous->status == QLatin1String("ready")
            && previous->contentHash == content->contentHash) {
            work.unchanged = true;
            return work;
        }
        auto parsed = parseDocument(path, content->bytes, m_limits);
        content->bytes = {}; // the text is all that is needed now: the file's bytes go before the chunks come
        if (!parsed) {
            work.error = parsed.error();
            work.document.contentHash = content->contentHash;
            return work;
        }
        work.document = prepareDocument(*parsed, chunking, builtin, &m_cancelled);
        work.document.contentHash = content->contentHash;
        return work;
    };

    auto recordFailure = [&](const FileWork &work, IngestFileOutcome &outcome) {
        outcome.status = Status::Failed;
        outcome.error = work.error;
        if (auto recorded = documents.recordFailure(m_kb.id, work.path, QFileInfo(work.path).fileName(), work.bytes,
                                                    work.document.contentHash, work.error);
            !recorded)
            qCWarning(lcIngest) << recorded.error();
    };
    QList<QFuture<void>> indexing;
    WriteBatch batch(db, *index);
    auto commitBatch = [&] {
        QList<qsizetype> lost;
        if (auto committed = batch.commit(indexing, &lost); !committed) {
            for (qsizetype i : std::as_const(lost)) {
                IngestFileOutcome &file = report.files[i];
                report.chunksWritten -= file.chunks;
                file.status = Status::Failed;
                file.error = committed.error();
                file.chunks = 0;
            }
        }
    };
    auto storeWork = [&](FileWork &work, IngestFileOutcome &outcome) {
        const QFileInfo info(work.path);
        if (work.unchanged) {
            outcome.status = Status::Unchanged;
            return;
        }
        if (!work.error.isEmpty()) {
            recordFailure(work, outcome);
            return;
        }
        work.document.kbId = m_kb.id;
        work.document.vectorGeneration = m_kb.vectorGeneration;
        work.document.name = info.fileName();
        work.document.path = work.path;
        work.document.size = work.bytes;
        if (auto opened = batch.open(); !opened) {
            work.error = opened.error();
            recordFailure(work, outcome);
            return;
        }
        auto written = documents.write(work.document);
        if (!written) {
            work.error = written.error();
            recordFailure(work, outcome);
            return;
        }
        outcome.status = stored.contains(work.path) ? Status::Replaced : Status::Added;
        outcome.chunks = int(written->chunkIds.size());
        batch.add(*written, work.document, report.files.size());
    };

    IngestProgress progress;
    progress.filesTotal = int(files.size());
    const int maxInFlight = m_maxInFlight > 0 ? m_maxInFlight : 2 * QThreadPool::globalInstance()->maxThreadCount();
    std::deque<QFuture<FileWork>> inFlight; // in file order
    // The estimated memory of the files scheduled and not yet written, in file order: the next
    // file starts while the sum stays within the budget, or when nothing else is held.
    std::deque<qint64> reservedCosts;
    qint64 reserved = 0;
    std::optional<qint64> nextCost; // of files[next], while it waits
    qsizetype next = 0;
    // Prepared documents whose chunks are with the embedding provider, in file order.
    struct Embedding {
        FileWork work;
        QFuture<Result<Vectors>> vectors;
    };
    std::deque<Embedding> embedding;
    qsizetype chunksEmbedding = 0;
    auto startEmbedding = [&](FileWork work) {
        Embedding item{std::move(work), {}};
        const bool needsVectors = !item.work.unchanged && item.work.error.isEmpty() && !item.work.document.chunks.isEmpty();
        if (needsVectors) {
            QStringList texts;
            texts.reserve(item.work.document.chunks.size());
            for (const store::PreparedChunk &chunk : std::as_const(item.work.document.chunks))
                texts.append(chunk.content);
            chunksEmbedding += texts.size();
            item.vectors = m_chunkEmbedder->embed(texts, m_cancel);
        }
        embedding.push_back(std::move(item));
    };
    // The next file's work in order. With a provider, every document already prepared is sent
    // to it while the chunks with it stay under the bound, so its calls overlap the writes here.
    auto nextWork = [&]() -> FileWork {
        if (!m_chunkEmbedder || !usesProvider()) {
            FileWork work = inFlight.front().result();
            inFlight.pop_front();
            return work;
        }
        while (!inFlight.empty()
               && (embedding.empty() || (inFlight.front().isFinished() && chunksEmbedding < kMaxChunksEmbedding))) {
            FileWork work = inFlight.front().result();
            inFlight.pop_front();
            startEmbedding(std::move(work));
        }
        Embedding item = std::move(embedding.front());
        embedding.pop_front();
        if (item.vectors.isValid()) {
            // The batch's write lock must not be held while the provider answers: other writers
            // (answers being saved, the call log) would wait on the network.
            if (!item.vectors.isFinished())
                commitBatch();
            chunksEmbedding -= item.work.document.chunks.size();
            const Result<Vectors> vectors = item.vectors.result();
            attachVectors(item.work, vectors);
        } else { // no chunk to embed: still written as the provider's, as its write checks
            item.work.document.embedder = m_chunkEmbedder->name();
            item.work.document.dimension = m_kb.spec.dimension;
        }
        return std::move(item.work);
    };
    for (qsizetype i = 0; i < files.size() && !m_cancelled; ++i) {
        for (; next < files.size() && qsizetype(inFlight.size()) < maxInFlight; ++next) {
            const QString &path = files.at(next).path;
            if (files.at(next).status != Status::Added) // failed or skipped already
                continue;
            if (!nextCost) // estimated once, however long it waits
                nextCost = estimatedPreparationBytes(path, QFileInfo(path).size(), m_limits);
            const qint64 cost = *nextCost;
            if (!reservedCosts.empty() && reserved + cost > m_limits.memoryBudgetBytes)
                break; // waits for memory: the files before it release theirs once written
            nextCost.reset();
            reserved += cost;
            reservedCosts.push_back(cost);
            inFlight.push_back(QtConcurrent::run(prepare, path));
        }
        IngestFileOutcome &outcome = files[i];
        if (outcome.status == Status::Added) {
            FileWork work = nextWork();
            if (m_cancelled)
                break;
            report.bytesRead += work.bytes;
            storeWork(work, outcome);
            reserved -= reservedCosts.front(); // files are scheduled and written in the same order
            reservedCosts.pop_front();
        }
        report.files.append(outcome);
        report.chunksWritten += outcome.chunks;
        if (batch.isDue())
            commitBatch();
        ++progress.filesDone;
        progress.last = outcome;
        progress.chunksWritten = report.chunksWritten;
        progress.bytesRead = report.bytesRead;
        if (m_onProgress)
            m_onProgress(progress);
    }
    report.cancelled = m_cancelled;
    commitBatch(); // what was written is kept, cancelled or not
    for (QFuture<FileWork> &future : inFlight)
        future.waitForFinished(); // workers see the cancel flag and return at once
    for (Embedding &item : embedding) {
        if (item.vectors.isValid())
            item.vectors.waitForFinished(); // provider calls were cancelled with the job
    }
    for (QFuture<void> &future : indexing)
        future.waitForFinished(); // written documents are always indexed, cancelled or not
    if (auto saved = m_vectors.save(m_kb.id); !saved)
        report.fatalError = saved.error();
    return report;
}

} // namespace rag::ingest
