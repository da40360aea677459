#include "cli/cli.h"

#include "cli/console.h"
#include "providers/provider_kind.h"
#include "workspace/workspace.h"

#include <QSet>

namespace rag::cli {

bool isCommand(const QString &word)
{
    static const QSet<QString> commands = {QStringLiteral("kb"), QStringLiteral("ingest"), QStringLiteral("search"),
                                           QStringLiteral("providers"), QStringLiteral("calls"), QStringLiteral("sim"),
                                           QStringLiteral("assistant"), QStringLiteral("ask"), QStringLiteral("loadtest"),
                                           QStringLiteral("serve"),
                                           QStringLiteral("help")};
    return commands.contains(word);
}

QString helpText()
{
    return QStringLiteral(
        "Usage: ragdesk [--data-dir DIR] [--db URL] COMMAND ...\n"
        "       ragdesk                 opens the desktop app\n"
        "\n"
        "Commands:\n"
        "  kb create NAME [--embedder NAME] [--chunk-tokens N] [--overlap PERCENT]\n"
        "  kb list [--json]\n"
        "  kb remove NAME\n"
        "  kb docs NAME [--json]    the documents of a knowledge base, with failures\n"
        "  kb remove-docs NAME PATH...  removes documents (as kb docs names them) and their chunks\n"
        "  kb reembed NAME --embedder NAME  embeds every chunk again with another embedder; the old\n"
        "                           vectors serve searches until the new ones replace them\n"
        "  ingest KB PATH...        files and folders; progress on stderr; exit 1 if any file failed\n"
        "         [--max-file-mb MIB] [--max-text-mb MIB] [--max-ratio N] [--memory-mb MIB]\n"
        "                           limits per file, and the memory of the files prepared at once\n"
        "  search KB QUERY [--top-n N] [--top-k N] [--threshold X] [--vector-weight X] [--rrf] [--json]\n"
        "  providers add NAME --kind KIND --base-url URL [--model M] [--api-key-env VAR]\n"
        "                [--max-connections N] [--timeout-ms N] [--http2]\n"
        "                [--ca-bundle PEM] [--insecure]\n"
        "  providers list [--json] | providers remove NAME\n"
        "  providers test NAME [--capability rerank|embeddings|chat] [--json]\n"
        "                           one real call: latency, or the provider's error\n"
        "  calls [--provider NAME] [--status ok|error] [--since ISO-TIME] [--min-latency-ms X]\n"
        "        [--limit N] [--bodies] [--json]\n"
        "                           the rerank call log, newest first\n"
        "  calls replay ID --reranker NAME [--json]\n"
        "                           re-sends a call's query and documents to a reranker: both rankings\n"
        "  sim [--profile FILE|field|instant] [--listen HOST:PORT]\n"
        "                           the provider simulator, until killed (default 127.0.0.1:9750)\n"
        "  assistant create NAME --kb KB[,KB...] [--llm NAME] [--reranker NAME] [--top-n N]\n"
        "                [--top-k N] [--threshold X] [--vector-weight X] [--system TEXT]\n"
        "                [--prologue TEXT] [--empty-response TEXT] [--temperature X]\n"
        "                [--max-tokens N] [--no-quote]\n"
        "                           --llm: a provider or builtin; --reranker: a provider, builtin or none\n"
        "  assistant list [--json] | assistant remove NAME\n"
        "  ask KB QUESTION [--json] [--mode async|blocking] [--llm NAME] [--reranker NAME]\n"
        "  ask --assistant NAME QUESTION [--json] [--mode async|blocking] [--conversation ID]\n"
        "                           streams the answer (builtin: extractive, offline); --json:\n"
        "                           {\"delta\"} lines, then {\"answer\", \"references\", \"trace\", \"ttfc_ms\"}\n"
        "                           [--deadline-ms N] (default 120000); Ctrl-C stops (exit 130)\n"
        "  loadtest SCENARIO.json [--report-dir DIR] [--compare OLD_REPORT.json]\n"
        "                           load-tests the embedded engine or a remote endpoint\n"
        "                           (docs/loadtest.md); writes report.json, timeseries.csv,\n"
        "                           report.html (and sweep.svg); exit 1 when a threshold fails\n"
        "  loadtest --plot OUT.svg REPORT.json...  TTFC p95 and throughput against load\n"
        "  serve [--listen HOST:PORT] [--api-key-env VAR] [--admin-key-env VAR] [--grace-ms N]\n"
        "        [--deadline-ms N]  the HTTP API (docs/serve.md): OpenAI- and RAGFlow-compatible chat\n"
        "                           completions, retrieval, models, the rerank call log for admins,\n"
        "                           /healthz, /readyz (default 127.0.0.1:8080; SIGTERM drains)\n"
        "\n"
        "Provider kinds: %2\n"
        "\n"
        "Global options:\n"
        "  --data-dir DIR   where knowledge bases live (default: %1)\n"
        "  --db URL         sqlite:PATH (default: a file in the data dir)\n"
        "  -h, --help       this text\n")
        .arg(defaultDataDir(), providers::allKindNames().join(QStringLiteral(", ")));
}

int run(const QStringList &arguments)
{
    GlobalOptions global;
    QString error;
    QStringList args = takeGlobalOptions(arguments, global, &error);
    if (!error.isEmpty())
        return usageError(error);
    if (args.isEmpty() || args.first() == QLatin1String("help") || args.first() == QLatin1String("--help")
        || args.first() == QLatin1String("-h")) {
        out(helpText());
        return kExitOk;
    }
    const QString command = args.takeFirst();
    if (!isCommand(command))
        return usageError(QStringLiteral("unknown command '%1' (see 'ragdesk --help')").arg(command));

    if (command == QLatin1String("sim"))
        return simCommand(args);

    auto workspace = Workspace::open({global.dataDir, global.database, {}});
    if (!workspace)
        return failure(workspace.error());
    if (command == QLatin1String("providers"))
        return providersCommand(**workspace, args);
    if (command == QLatin1String("calls"))
        return callsCommand(**workspace, args);
    if (command == QLatin1String("assistant"))
        return assistantCommand(**workspace, args);
    if (command == QLatin1String("ask"))
        return askCommand(**workspace, args);
    if (command == QLatin1String("loadtest"))
        return loadtestCommand(**workspace, args);
    if (command == QLatin1String("serve"))
        return serveCommand(**workspace, args);
    if (command == QLatin1String("kb"))
        return kbCommand(**workspace, args);
    if (command == QLatin1String("ingest"))
        return ingestCommand(**workspace, args);
    return searchCommand(**workspace, args);
}

} // namespace rag::cli
