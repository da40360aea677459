#include "cli/cli.h"

#include "api/assistants.h"
#include "cli/console.h"
#include "cli/number_options.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

#include <type_traits>

namespace rag::cli {

namespace {

const QString kCreateUsage = QStringLiteral(
    "usage: ragdesk assistant create NAME --kb KB[,KB...] [--llm NAME] [--reranker NAME] [--top-n N] [--top-k N]"
    " [--threshold X] [--vector-weight X] [--system TEXT] [--prologue TEXT] [--empty-response TEXT]"
    " [--temperature X] [--max-tokens N] [--no-quote]");

int create(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("assistant name"));
    for (const char *valued : {"kb", "llm", "reranker", "top-n", "top-k", "threshold", "vector-weight", "system",
                               "prologue", "empty-response", "temperature", "max-tokens"})
        parser.addOption({QString::fromLatin1(valued), QString::fromLatin1(valued), QStringLiteral("VALUE")});
    parser.addOption({QStringLiteral("no-quote"), QStringLiteral("answer without [ID:i] citations")});
    if (!parser.parse(QStringList{QStringLiteral("assistant create")} + args))
        return usageError(parser.errorText() + QLatin1Char('\n') + kCreateUsage);
    if (parser.positionalArguments().size() != 1)
        return usageError(kCreateUsage);
    if (!parser.isSet(QStringLiteral("kb")))
        return usageError(QStringLiteral("--kb is required: the knowledge bases the assistant answers from\n") + kCreateUsage);

    api::AssistantSpec spec;
    spec.name = parser.positionalArguments().first();
    // --kb a,b and --kb a --kb b mean the same.
    for (const QString &value : parser.values(QStringLiteral("kb")))
        spec.knowledgeBases += value.split(QLatin1Char(','));
    if (parser.isSet(QStringLiteral("llm")))
        spec.llm = parser.value(QStringLiteral("llm"));
    if (parser.isSet(QStringLiteral("reranker")))
        spec.reranker = parser.value(QStringLiteral("reranker"));
    spec.systemPrompt = parser.value(QStringLiteral("system"));
    spec.prologue = parser.value(QStringLiteral("prologue"));
    spec.emptyResponse = parser.value(QStringLiteral("empty-response"));
    spec.quote = !parser.isSet(QStringLiteral("no-quote"));
    QString error;
    if (!readNumberOption(parser, QStringLiteral("top-n"), &spec.topN, &error)
        || !readNumberOption(parser, QStringLiteral("top-k"), &spec.topK, &error)
        || !readNumberOption(parser, QStringLiteral("threshold"), &spec.similarityThreshold, &error)
        || !readNumberOption(parser, QStringLiteral("vector-weight"), &spec.vectorSimilarityWeight, &error)
        || !readNumberOption(parser, QStringLiteral("temperature"), &spec.temperature, &error)
        || !readNumberOption(parser, QStringLiteral("max-tokens"), &spec.maxTokens, &error))
        return usageError(error);

    auto assistant = api::Assistants(workspace).create(spec);
    if (!assistant)
        return failure(assistant.error());
    const api::AssistantSpec &s = assistant->spec;
    outLine(QStringLiteral("created assistant '%1' (knowledge bases %2; llm %3, reranker %4, top-n %5, top-k %6)")
                .arg(s.name, s.knowledgeBases.join(QStringLiteral(", ")), s.llm, s.reranker)
                .arg(s.topN)
                .arg(s.topK));
    return kExitOk;
}

QJsonObject toJson(const api::AssistantSpec &s)
{
    return QJsonObject{{QStringLiteral("name"), s.name},
                       {QStringLiteral("knowledge_bases"), QJsonArray::fromStringList(s.knowledgeBases)},
                       {QStringLiteral("llm"), s.llm},
                       {QStringLiteral("reranker"), s.reranker},
                       {QStringLiteral("top_n"), s.topN},
                       {QStringLiteral("top_k"), s.topK},
                       {QStringLiteral("similarity_threshold"), s.similarityThreshold},
                       {QStringLiteral("vector_similarity_weight"), s.vectorSimilarityWeight},
                       {QStringLiteral("temperature"), s.temperature},
                       {QStringLiteral("max_tokens"), s.maxTokens},
                       {QStringLiteral("quote"), s.quote},
                       {QStringLiteral("prologue"), s.prologue},
                       {QStringLiteral("empty_response"), s.emptyResponse},
                       {QStringLiteral("system_prompt"), s.systemPrompt}};
}

int list(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("assistant list")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("usage: ragdesk assistant list [--json]"));
    auto assistants = api::Assistants(workspace).list();
    if (!assistants)
        return failure(assistants.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const api::Assistant &a : std::as_const(*assistants))
            array.append(toJson(a.spec));
        outJson(QJsonDocument(array));
        return kExitOk;
    }
    if (assistants->isEmpty()) {
        outLine(QStringLiteral("no assistants yet: ragdesk assistant create NAME --kb KB"));
        return kExitOk;
    }
    outLine(QStringLiteral("%1 %2 %3 %4 %5").arg(QStringLiteral("NAME"), -20).arg(QStringLiteral("LLM"), -16)
                .arg(QStringLiteral("RERANKER"), -16).arg(QStringLiteral("TOP N"), 5).arg(QStringLiteral("KNOWLEDGE BASES")));
    for (const api::Assistant &a : std::as_const(*assistants))
        outLine(QStringLiteral("%1 %2 %3 %4 %5").arg(a.spec.name, -20).arg(a.spec.llm, -16).arg(a.spec.reranker, -16)
                    .arg(a.spec.topN, 5).arg(a.spec.knowledgeBases.join(QStringLiteral(", "))));
    return kExitOk;
}

int remove(Workspace &workspace, const QStringList &args)
{
    if (args.size() != 1)
        return usageError(QStringLiteral("usage: ragdesk assistant remove NAME"));
    if (auto removed = api::Assistants(workspace).remove(args.first()); !removed)
        return failure(removed.error());
    outLine(QStringLiteral("removed assistant '%1' and its conversations").arg(args.first()));
    return kExitOk;
}

} // namespace

int assistantCommand(Workspace &workspace, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("create"))
        return create(workspace, rest);
    if (sub == QLatin1String("list"))
        return list(workspace, rest);
    if (sub == QLatin1String("remove"))
        return remove(workspace, rest);
    return usageError(QStringLiteral("usage: ragdesk assistant create|list|remove ..."));
}

} // namespace rag::cli
