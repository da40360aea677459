#include "cli/cli.h"

#include "api/provider_calls.h"
#include "cli/console.h"
#include "cli/interruptible.h"
#include "cli/number_options.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <optional>

namespace rag::cli {

namespace {

QString statusWord(ingest::IngestFileOutcome::Status status)
{
    switch (status) {
    case ingest::IngestFileOutcome::Status::Added: return QStringLiteral("added");
    case ingest::IngestFileOutcome::Status::Replaced: return QStringLiteral("replaced");
    case ingest::IngestFileOutcome::Status::Unchanged: return QStringLiteral("unchanged");
    case ingest::IngestFileOutcome::Status::Failed: return QStringLiteral("failed");
    case ingest::IngestFileOutcome::Status::Skipped: return QStringLiteral("skipped");
    }
    return {};
}
} // namespace

int ingestCommand(Workspace &workspace, const QStringList &args)
{
    // Only the limits are options: every other argument is a path as given, one starting with '-'
    // included, as it always was.
    static const QStringList kLimits = {QStringLiteral("--max-file-mb"), QStringLiteral("--max-text-mb"),
                                        QStringLiteral("--max-ratio"), QStringLiteral("--memory-mb")};
    QStringList options{QStringLiteral("ingest")};
    QStringList positional;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == u"--") {
            positional += args.mid(i + 1);
            break;
        }
        if (kLimits.contains(arg.section(u'=', 0, 0))) {
            options << arg;
            if (!arg.contains(u'=') && i + 1 < args.size())
                options << args.at(++i);
            continue;
        }
        positional << arg;
    }
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("max-file-mb"), QStringLiteral("largest file read"), QStringLiteral("MIB")});
    parser.addOption({QStringLiteral("max-text-mb"), QStringLiteral("most text taken from one file"), QStringLiteral("MIB")});
    parser.addOption({QStringLiteral("max-ratio"), QStringLiteral("most a compressed part may inflate"), QStringLiteral("N")});
    parser.addOption({QStringLiteral("memory-mb"), QStringLiteral("memory budget of the files prepared at once"), QStringLiteral("MIB")});
    if (!parser.parse(options))
        return usageError(parser.errorText());
    if (positional.size() < 2)
        return usageError(QStringLiteral("usage: ragdesk ingest KB PATH... [--max-file-mb MIB] [--max-text-mb MIB] "
                                         "[--max-ratio N] [--memory-mb MIB]"));
    ingest::IngestLimits limits;
    int maxFileMb = int(limits.maxFileBytes / ingest::IngestLimits::kMiB);
    int maxTextMb = int(limits.maxTextChars / ingest::IngestLimits::kMiB);
    int memoryMb = int(limits.memoryBudgetBytes / ingest::IngestLimits::kMiB);
    QString error;
    if (!readNumberOption(parser, QStringLiteral("max-file-mb"), &maxFileMb, &error)
        || !readNumberOption(parser, QStringLiteral("max-text-mb"), &maxTextMb, &error)
        || !readNumberOption(parser, QStringLiteral("max-ratio"), &limits.maxCompressionRatio, &error)
        || !readNumberOption(parser, QStringLiteral("memory-mb"), &memoryMb, &error))
        return usageError(error);
    if (maxFileMb < 1 || maxTextMb < 1 || memoryMb < 1 || limits.maxCompressionRatio < 1)
        return usageError(QStringLiteral("--max-file-mb, --max-text-mb, --max-ratio and --memory-mb take a whole number of at least 1"));
    limits.maxFileBytes = maxFileMb * ingest::IngestLimits::kMiB;
    limits.maxTextChars = maxTextMb * ingest::IngestLimits::kMiB;
    limits.memoryBudgetBytes = memoryMb * ingest::IngestLimits::kMiB;

    auto job = workspace.ingestJob(positional.first(), positional.mid(1));
    if (!job)
        return failure(job.error());
    (*job)->setLimits(limits);
    auto kb = workspace.knowledgeBase(positional.first());
    if (!kb)
        return failure(kb.error());
    // A knowledge base embedded by a provider: its calls run on a thread of their own while the
    // job waits here.
    std::optional<api::ProviderCalls> providers;
    std::unique_ptr<ingest::ChunkEmbedder> chunkEmbedder;
    if (kb->spec.embedder != index::BuiltinEmbedder::name()) {
        providers.emplace(workspace);
        chunkEmbedder = providers->chunkEmbedder(kb->spec.embedder);
        (*job)->setChunkEmbedder(chunkEmbedder.get());
    }

    const bool live = stderrIsTerminal();
    QElapsedTimer clock;
    clock.start();
    int lastPercent = -1;
    (*job)->setProgressHandler([&](const ingest::IngestProgress &p) {
        using Status = ingest::IngestFileOutcome::Status;
        if (p.last.status == Status::Failed) {
            if (live)
                std::fputs("\r\033[K", stderr);
            errLine(QStringLiteral("error: %1: %2").arg(p.last.path, p.last.error));
        }
        const int percent = p.filesTotal ? 100 * p.filesDone / p.filesTotal : 100;
        const QString line = QStringLiteral("[%1/%2] %3 chunks, %4 MB  %5 %6")
                                 .arg(p.filesDone).arg(p.filesTotal).arg(p.chunksWritten)
                                 .arg(double(p.bytesRead) / 1e6, 0, 'f', 1).arg(statusWord(p.last.status), p.last.path);
        if (live) {
            std::fputs(("\r\033[K" + line.left(160)).toUtf8().constData(), stderr);
        } else if (p.last.status != Status::Failed && p.last.status != Status::Skipped
                   && (p.filesTotal <= 100 || percent != lastPercent)) {
            errLine(line);
        }
        lastPercent = percent;
    });

    // Ctrl-C stops the files being prepared within a chunk's work (however large the file) and
    // the provider's calls at once: what was written stays, nothing is left half-written.
    ingest::IngestJob *running = job->get();
    const ingest::IngestReport report = runInterruptible([running] { return running->run(); }, [running] { running->cancel(); });
    if (live)
        std::fputs("\r\033[K", stderr);

    using Status = ingest::IngestFileOutcome::Status;
    const double seconds = double(clock.elapsed()) / 1000.0;
    errLine(QStringLiteral("%1 %2 files in %3 s: %4 added, %5 replaced, %6 unchanged, %7 failed, %8 skipped; %9 chunks")
                .arg(report.cancelled ? QStringLiteral("cancelled after") : QStringLiteral("ingested"))
                .arg(report.files.size()).arg(seconds, 0, 'f', 2)
                .arg(report.count(Status::Added)).arg(report.count(Status::Replaced))
                .arg(report.count(Status::Unchanged)).arg(report.count(Status::Failed))
                .arg(report.count(Status::Skipped)).arg(report.chunksWritten));
    if (!report.fatalError.isEmpty())
        return failure(report.fatalError);
    if (report.cancelled)
        return 130;
    return report.anyFailed() ? kExitFailure : kExitOk;
}

} // namespace rag::cli
