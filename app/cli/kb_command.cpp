#include "cli/cli.h"

#include "api/knowledge_bases.h"
#include "api/provider_calls.h"
#include "cli/console.h"
#include "cli/interruptible.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace rag::cli {

namespace {
int create(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("knowledge base name"));
    parser.addOption({QStringLiteral("embedder"), QStringLiteral("embedder"), QStringLiteral("NAME"), QStringLiteral("builtin")});
    parser.addOption({QStringLiteral("chunk-tokens"), QStringLiteral("tokens per chunk"), QStringLiteral("N"), QStringLiteral("512")});
    parser.addOption({QStringLiteral("overlap"), QStringLiteral("overlap percent"), QStringLiteral("PERCENT"), QStringLiteral("0")});
    if (!parser.parse(QStringList{QStringLiteral("kb create")} + args))
        return usageError(parser.errorText());
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ragdesk kb create NAME [--embedder NAME] [--chunk-tokens N] [--overlap PERCENT]"));
    api::KnowledgeBaseSpec spec;
    spec.name = parser.positionalArguments().first();
    spec.embedder = parser.value(QStringLiteral("embedder"));
    bool tokensOk = false;
    bool overlapOk = false;
    spec.chunkTokens = parser.value(QStringLiteral("chunk-tokens")).toInt(&tokensOk);
    spec.overlapPercent = parser.value(QStringLiteral("overlap")).toInt(&overlapOk);
    if (!tokensOk || !overlapOk)
        return usageError(QStringLiteral("--chunk-tokens and --overlap take whole numbers"));
    // A provider embedder is asked for one vector first: it exists, embeds, and its dimension
    // is recorded with the knowledge base.
    auto probed = api::ProviderCalls(workspace).withDimension(spec);
    if (!probed)
        return failure(probed.error());
    auto kb = workspace.createKnowledgeBase(*probed);
    if (!kb)
        return failure(kb.error());
    outLine(QStringLiteral("created knowledge base '%1' (embedder %2, %3 dimensions, %4 tokens per chunk, %5% overlap)")
                .arg(kb->spec.name, kb->spec.embedder)
                .arg(kb->spec.dimension)
                .arg(kb->spec.chunkTokens)
                .arg(kb->spec.overlapPercent));
    return kExitOk;
}

// The old vectors serve every search until the new ones are all there (docs/providers.md,
// "Changing the embedder"); Ctrl-C stops and leaves them.
int reembed(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("knowledge base name"));
    parser.addOption({QStringLiteral("embedder"), QStringLiteral("embedder"), QStringLiteral("NAME")});
    if (!parser.parse(QStringList{QStringLiteral("kb reembed")} + args) || parser.positionalArguments().size() != 1
        || !parser.isSet(QStringLiteral("embedder")))
        return usageError(QStringLiteral("usage: ragdesk kb reembed NAME --embedder NAME"));
    const QString name = parser.positionalArguments().first();
    auto kb = workspace.knowledgeBase(name);
    if (!kb)
        return failure(kb.error());
    api::KnowledgeBaseSpec target = kb->spec;
    target.embedder = parser.value(QStringLiteral("embedder"));
    api::ProviderCalls providers(workspace);
    auto probed = providers.withDimension(target);
    if (!probed)
        return failure(probed.error());
    std::unique_ptr<ingest::ChunkEmbedder> chunkEmbedder = providers.chunkEmbedder(probed->embedder);
    auto job = workspace.reembedJob(name, probed->embedder, probed->dimension, chunkEmbedder.get());
    if (!job)
        return failure(job.error());
    QElapsedTimer clock;
    clock.start();
    const bool live = stderrIsTerminal();
    (*job)->setProgressHandler([live](const ingest::ReembedProgress &p) {
        const QString line = QStringLiteral("re-embedded %1/%2 chunks").arg(p.chunksDone).arg(p.chunksTotal);
        if (live)
            std::fputs(("\r\033[K" + line).toUtf8().constData(), stderr);
        else
            errLine(line);
    });
    ingest::ReembedJob *running = job->get();
    const ingest::ReembedReport report = runInterruptible([running] { return running->run(); }, [running] { running->cancel(); });
    if (live)
        std::fputs("\r\033[K", stderr);
    if (report.cancelled) {
        errLine(QStringLiteral("cancelled: '%1' keeps its vectors from '%2'").arg(name, kb->spec.embedder));
        return 130;
    }
    if (!report.error.isEmpty())
        return failure(QStringLiteral("%1 ('%2' keeps its vectors from '%3')").arg(report.error, name, kb->spec.embedder));
    if (!report.warning.isEmpty())
        errLine(QStringLiteral("warning: %1").arg(report.warning));
    outLine(QStringLiteral("re-embedded '%1' with %2 (%3 dimensions): %4 chunks in %5 s")
                .arg(name, probed->embedder).arg(probed->dimension).arg(report.chunks)
                .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 2));
    return kExitOk;
}

int list(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("kb list")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("usage: ragdesk kb list [--json]"));
    auto kbs = api::KnowledgeBases(workspace).list();
    if (!kbs)
        return failure(kbs.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const api::KnowledgeBase &kb : std::as_const(*kbs))
            array.append(QJsonObject{{QStringLiteral("name"), kb.spec.name},
                                     {QStringLiteral("documents"), kb.documents},
                                     {QStringLiteral("failed_documents"), kb.failedDocuments},
                                     {QStringLiteral("chunks"), kb.chunks},
                                     {QStringLiteral("embedder"), kb.spec.embedder},
                                     {QStringLiteral("dimension"), kb.spec.dimension},
                                     {QStringLiteral("chunk_tokens"), kb.spec.chunkTokens},
                                     {QStringLiteral("overlap_percent"), kb.spec.overlapPercent}});
        outJson(QJsonDocument(array));
        return kExitOk;
    }
    if (kbs->isEmpty()) {
        outLine(QStringLiteral("no knowledge bases yet: ragdesk kb create NAME"));
        return kExitOk;
    }
    outLine(QStringLiteral("%1 %2 %3 %4").arg(QStringLiteral("NAME"), -24).arg(QStringLiteral("DOCUMENTS"), 10)
                .arg(QStringLiteral("CHUNKS"), 10).arg(QStringLiteral("EMBEDDER")));
    for (const api::KnowledgeBase &kb : std::as_const(*kbs))
        outLine(QStringLiteral("%1 %2 %3 %4").arg(kb.spec.name, -24).arg(kb.documents, 10).arg(kb.chunks, 10).arg(kb.spec.embedder));
    return kExitOk;
}

int remove(Workspace &workspace, const QStringList &args)
{
    if (args.size() != 1)
        return usageError(QStringLiteral("usage: ragdesk kb remove NAME"));
    if (auto removed = workspace.removeKnowledgeBase(args.first()); !removed)
        return failure(removed.error());
    outLine(QStringLiteral("removed knowledge base '%1'").arg(args.first()));
    return kExitOk;
}

int docs(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("kb docs")} + args) || parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ragdesk kb docs NAME [--json]"));
    auto documents = api::KnowledgeBases(workspace).documents(parser.positionalArguments().first());
    if (!documents)
        return failure(documents.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const api::StoredDocument &doc : std::as_const(*documents))
            array.append(QJsonObject{{QStringLiteral("name"), doc.name},     {QStringLiteral("path"), doc.path},
                                     {QStringLiteral("status"), doc.status}, {QStringLiteral("error"), doc.error},
                                     {QStringLiteral("chunks"), doc.chunkCount}, {QStringLiteral("size"), doc.size},
                                     {QStringLiteral("updated_at"), doc.updatedAt}});
        outJson(QJsonDocument(array));
        return kExitOk;
    }
    for (const api::StoredDocument &doc : std::as_const(*documents)) {
        QString line = QStringLiteral("%1 %2 chunks  %3").arg(doc.status, -7).arg(doc.chunkCount, 6).arg(doc.path);
        if (!doc.error.isEmpty())
            line += QStringLiteral("  (%1)").arg(doc.error);
        outLine(line);
    }
    return kExitOk;
}
// Documents are named by the path they were ingested from, as `kb docs` lists it; a relative
// path is taken from the current directory.
int removeDocs(Workspace &workspace, const QStringList &args)
{
    if (args.size() < 2)
        return usageError(QStringLiteral("usage: ragdesk kb remove-docs NAME PATH..."));
    QStringList paths;
    for (const QString &path : args.mid(1)) {
        paths.append(path);
        const QString absolute = QFileInfo(path).absoluteFilePath();
        if (absolute != path)
            paths.append(absolute);
    }
    auto removed = workspace.removeDocuments(args.first(), paths);
    if (!removed)
        return failure(removed.error());
    if (*removed == 0)
        return failure(QStringLiteral("no such document in '%1' (see 'ragdesk kb docs %1')").arg(args.first()));
    outLine(QStringLiteral("removed %1 document(s) from '%2'").arg(*removed).arg(args.first()));
    return kExitOk;
}
} // namespace

int kbCommand(Workspace &workspace, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("create"))
        return create(workspace, rest);
    if (sub == QLatin1String("list"))
        return list(workspace, rest);
    if (sub == QLatin1String("remove"))
        return remove(workspace, rest);
    if (sub == QLatin1String("docs"))
        return docs(workspace, rest);
    if (sub == QLatin1String("remove-docs"))
        return removeDocs(workspace, rest);
    if (sub == QLatin1String("reembed"))
        return reembed(workspace, rest);
    return usageError(QStringLiteral("usage: ragdesk kb create|list|remove|docs|remove-docs|reembed ..."));
}

} // namespace rag::cli
