#include "cli/cli.h"

#include "api/configured_providers.h"
#include "chat/answer_json.h"
#include "chat/chat_engine.h"
#include "cli/console.h"
#include "cli/interrupt_watcher.h"
#include "providers/calllog/rerank_call_log.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace rag::cli {

namespace {

QCoro::Task<void> askInto(chat::ChatEngine *engine, chat::AskOptions options, chat::DeltaSink sink,
                          std::optional<Result<chat::AskResult>> *out)
{
    out->emplace(co_await engine->ask(options, sink));
}

} // namespace

int askCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral(
        "usage: ragdesk ask KB QUESTION [--json] [--mode async|blocking] [--llm NAME] [--reranker NAME]\n"
        "       ragdesk ask --assistant NAME QUESTION [--json] [--mode async|blocking] [--conversation ID]");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("words"), QStringLiteral("KB QUESTION or QUESTION"));
    parser.addOption({QStringLiteral("assistant"), QStringLiteral("assistant"), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("conversation"), QStringLiteral("continue a conversation"), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON lines")});
    parser.addOption({QStringLiteral("mode"), QStringLiteral("async or blocking"), QStringLiteral("MODE"), QStringLiteral("async")});
    parser.addOption({QStringLiteral("llm"), QStringLiteral("chat provider"), QStringLiteral("NAME"), QStringLiteral("builtin")});
    parser.addOption({QStringLiteral("reranker"), QStringLiteral("rerank provider"), QStringLiteral("NAME"), QStringLiteral("builtin")});
    parser.addOption({QStringLiteral("deadline-ms"), QStringLiteral("deadline"), QStringLiteral("N"), QStringLiteral("120000")});
    if (!parser.parse(QStringList{QStringLiteral("ask")} + args))
        return usageError(parser.errorText() + QLatin1Char('\n') + usage);
    const QStringList words = parser.positionalArguments();
    const bool withAssistant = parser.isSet(QStringLiteral("assistant"));
    if (words.size() != (withAssistant ? 1 : 2) || words.constLast().trimmed().isEmpty())
        return usageError(usage);

    // With --json, a failure also ends the JSON lines on stdout, so a reader of that stream alone
    // learns how it ended (docs/chat.md).
    const bool json = parser.isSet(QStringLiteral("json"));
    const auto failAs = [json](const QString &message, int exitCode) {
        if (json)
            outJson(QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}));
        failure(message);
        return exitCode;
    };

    chat::AskOptions options;
    options.question = words.constLast();
    const QString mode = parser.value(QStringLiteral("mode"));
    if (mode != QLatin1String("async") && mode != QLatin1String("blocking"))
        return usageError(QStringLiteral("--mode is async or blocking, not '%1'").arg(mode));
    options.mode = mode == QLatin1String("blocking") ? chat::AskMode::Blocking : chat::AskMode::Async;
    bool ok = false;
    options.deadline = std::chrono::milliseconds(parser.value(QStringLiteral("deadline-ms")).toLongLong(&ok));
    if (!ok || options.deadline.count() < 1)
        return usageError(QStringLiteral("--deadline-ms takes a whole number of milliseconds"));
    if (withAssistant) {
        options.assistant = parser.value(QStringLiteral("assistant"));
        if (parser.isSet(QStringLiteral("conversation"))) {
            options.conversationId = parser.value(QStringLiteral("conversation")).toLongLong(&ok);
            if (!ok || options.conversationId < 1)
                return usageError(QStringLiteral("--conversation takes a conversation id"));
        }
    } else {
        if (parser.isSet(QStringLiteral("conversation")))
            return usageError(QStringLiteral("--conversation needs --assistant"));
        options.adHoc.name = QStringLiteral("ask");
        options.adHoc.knowledgeBases = {words.first()};
        options.adHoc.llm = parser.value(QStringLiteral("llm"));
        options.adHoc.reranker = parser.value(QStringLiteral("reranker"));
        options.save = false;
        if (auto kb = workspace.knowledgeBase(words.first()); !kb)
            return failAs(kb.error(), kExitFailure);
        // A typo must not quietly turn into "no reranker" or a failed answer after the search.
        const api::ConfiguredProviders providers(workspace);
        for (const QString &name : {options.adHoc.llm, options.adHoc.reranker}) {
            const bool builtin = name == QLatin1String("builtin") || (name == QLatin1String("none") && name == options.adHoc.reranker);
            if (!builtin && !providers.find(name))
                return failAs(QStringLiteral("no provider named '%1' (see ragdesk providers list)").arg(name), kExitFailure);
        }
    }
    options.cancel = CancelToken::create();

    chat::ChatEngine engine(workspace);
    std::optional<Result<chat::AskResult>> outcome;
    const chat::DeltaSink sink = [json](const QString &delta) {
        if (json)
            outJson(QJsonDocument(QJsonObject{{QStringLiteral("delta"), delta}}));
        else
            out(delta);
    };
    {
        // Ctrl-C: the answer stops and its connections close; nothing is saved.
        const InterruptWatcher interrupt([cancel = options.cancel] { cancel->cancel(); });
        QCoro::waitFor(askInto(&engine, options, sink, &outcome));
    }
    engine.callLog().flush();

    if (!outcome->ok()) {
        if (!json)
            out(QStringLiteral("\n"));
        return failAs(outcome->error(), options.cancel->isCancelled() ? 130 : kExitFailure);
    }
    const chat::AskResult &result = outcome->value();
    if (json) {
        QJsonObject done{{QStringLiteral("answer"), result.answer},
                         {QStringLiteral("references"), chat::referencesToJson(result.references)},
                         {QStringLiteral("trace"), result.trace},
                         {QStringLiteral("ttfc_ms"), result.ttfcMs},
                         {QStringLiteral("extractive"), result.extractive},
                         {QStringLiteral("empty_response"), result.emptyResponse},
                         {QStringLiteral("rerank_fallback"), result.rerankFallback}};
        if (result.conversationId > 0)
            done.insert(QStringLiteral("conversation_id"), result.conversationId);
        outJson(QJsonDocument(done));
        return kExitOk;
    }
    out(QStringLiteral("\n"));
    if (!result.references.isEmpty()) {
        outLine(QString());
        for (const api::ChatReference &r : result.references)
            outLine(QStringLiteral("[ID:%1] %2%3").arg(r.index).arg(r.document,
                                                                   r.page > 0 ? QStringLiteral(", page %1").arg(r.page) : QString()));
    }
    if (result.rerankFallback)
        errLine(QStringLiteral("warning: reranking failed, results in hybrid order: %1").arg(result.rerankError));
    errLine(QStringLiteral("%1first chunk after %2 ms, done after %3 ms%4")
                .arg(result.extractive ? QStringLiteral("extractive answer; ") : QString())
                .arg(result.ttfcMs, 0, 'f', 1)
                .arg(result.trace.value(QStringLiteral("total")).toDouble(), 0, 'f', 1)
                .arg(result.conversationId > 0 ? QStringLiteral(" (conversation %1)").arg(result.conversationId) : QString()));
    return kExitOk;
}

} // namespace rag::cli
