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

QList<IngestFileOutcome> IngestJob::collectFiles() const
{
    QList<IngestFileOutcome> files;
    for (const QString &path : m_paths) {
        const QFileInfo info(path);
        if (!info.exists()) {
            files.append({path, Status::Failed, QStringLiteral("no such file or folder")});
        } else if (info.isDir()) {
            QStringList found;
            QDirIterator it(info.absoluteFilePath(), QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
            while (it.hasNext())
                found.append(it.next());
            found.sort();
            for (const QString &file : std::as_const(found)) {
                // Hidden folders (.git, .cache) hold no documents a user meant to ingest.
                if (file.contains(QLatin1String("/.")))
                    continue;
                if (isSupportedFile(file))
                    files.append({file, Status::Added});
                else
                    files.append({file, Status::Skipped, QStringLiteral("unsupported file type")});
            }
        } else {
            files.append({info.absoluteFilePath(), Status::Added}); // explicit files are always attempted
        }
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
    auto index = m_vectors.open(m_kb.id, db);
    if (!index) {
        report.fatalError = index.error();
        return report;
    }

    const ChunkerOptions chunking{m_kb.spec.chunkTokens, m_kb.spec.overlapPercent, m_kb.spec.delimiters};
    auto prepare = [this, chunking, stored](const QString &path) {
        FileWork work;
        work.path = path;
        if (m_cancelled)
            return work;
        auto content = readFile(path);
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
        auto parsed = parseDocument(path, content->bytes);
        if (!parsed) {
            work.error = parsed.error();
            work.document.contentHash = content->contentHash;
            return work;
        }
        work.document = prepareDocument(*parsed, chunking, m_embedder);
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
    qsizetype next = 0;
    for (qsizetype i = 0; i < files.size() && !m_cancelled; ++i) {
        for (; next < files.size() && qsizetype(inFlight.size()) < maxInFlight; ++next) {
            if (files.at(next).status == Status::Added) // still to do; the rest failed or were skipped already
                inFlight.push_back(QtConcurrent::run(prepare, files.at(next).path));
        }
        IngestFileOutcome &outcome = files[i];
        if (outcome.status == Status::Added) {
            FileWork work = inFlight.front().result();
            inFlight.pop_front();
            if (m_cancelled)
                break;
            report.bytesRead += work.bytes;
            storeWork(work, outcome);
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
    for (QFuture<void> &future : indexing)
        future.waitForFinished(); // written documents are always indexed, cancelled or not
    if (auto saved = m_vectors.save(m_kb.id, db); !saved)
        report.fatalError = saved.error();
    return report;
}

} // namespace rag::ingest
