#include "cli/cli.h"

#include "api/configured_providers.h"
#include "cli/console.h"
#include "providers/provider_kind.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

namespace rag::cli {

namespace {

int add(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral(
        "usage: ragdesk providers add NAME --kind KIND --base-url URL [--model M] [--api-key-env VAR]"
        " [--max-connections N] [--timeout-ms N] [--http2] [--ca-bundle PEM] [--insecure]");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("provider name"));
    parser.addOption({QStringLiteral("kind"), QStringLiteral("kind"), QStringLiteral("KIND")});
    parser.addOption({QStringLiteral("base-url"), QStringLiteral("API base"), QStringLiteral("URL")});
    parser.addOption({QStringLiteral("model"), QStringLiteral("model"), QStringLiteral("M")});
    parser.addOption({QStringLiteral("api-key-env"), QStringLiteral("variable holding the key"), QStringLiteral("VAR")});
    parser.addOption({QStringLiteral("max-connections"), QStringLiteral("connections"), QStringLiteral("N"), QStringLiteral("32")});
    parser.addOption({QStringLiteral("timeout-ms"), QStringLiteral("timeout"), QStringLiteral("N"), QStringLiteral("30000")});
    parser.addOption({QStringLiteral("http2"), QStringLiteral("use HTTP/2")});
    parser.addOption({QStringLiteral("ca-bundle"), QStringLiteral("CA certificates to trust (PEM)"), QStringLiteral("PEM")});
    parser.addOption({QStringLiteral("insecure"), QStringLiteral("do not check the provider's TLS certificate")});
    if (!parser.parse(QStringList{QStringLiteral("providers add")} + args) || parser.positionalArguments().size() != 1)
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);
    if (!parser.isSet(QStringLiteral("kind")))
        return usageError(QStringLiteral("--kind is required; one of: %1").arg(providers::allKindNames().join(QStringLiteral(", "))));

    api::ProviderRecord record;
    record.name = parser.positionalArguments().first();
    record.kind = parser.value(QStringLiteral("kind"));
    record.baseUrl = parser.value(QStringLiteral("base-url"));
    record.model = parser.value(QStringLiteral("model"));
    bool connectionsOk = false;
    bool timeoutOk = false;
    record.maxConnections = parser.value(QStringLiteral("max-connections")).toInt(&connectionsOk);
    record.timeoutMs = parser.value(QStringLiteral("timeout-ms")).toInt(&timeoutOk);
    if (!connectionsOk || !timeoutOk)
        return usageError(QStringLiteral("--max-connections and --timeout-ms take whole numbers"));
    record.http2 = parser.isSet(QStringLiteral("http2"));
    record.caBundle = parser.value(QStringLiteral("ca-bundle"));
    record.tlsInsecure = parser.isSet(QStringLiteral("insecure"));
    if (record.tlsInsecure && !record.caBundle.isEmpty())
        return usageError(QStringLiteral("--insecure checks no certificate, so --ca-bundle would mean nothing: give one of them"));

    QString key;
    if (parser.isSet(QStringLiteral("api-key-env"))) {
        const QString variable = parser.value(QStringLiteral("api-key-env"));
        key = qEnvironmentVariable(variable.toLocal8Bit().constData());
        if (key.isEmpty())
            return failure(QStringLiteral("the environment variable %1 is not set or empty").arg(variable));
    }
    QString warning;
    auto added = api::ConfiguredProviders(workspace).add(record, key, &warning);
    if (!warning.isEmpty())
        errLine(QStringLiteral("warning: %1").arg(warning));
    if (!added)
        return failure(added.error());
    record = *added;
    if (record.tlsInsecure)
        errLine(QStringLiteral("warning: TLS verification is off for '%1': anyone on the network path can read and change "
                               "its calls, API key included").arg(record.name));
    outLine(QStringLiteral("added provider '%1' (%2, %3%4)")
                .arg(record.name, record.kind, record.baseUrl,
                     record.model.isEmpty() ? QString() : QStringLiteral(", model %1").arg(record.model)));
    return kExitOk;
}

int list(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("providers list")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("usage: ragdesk providers list [--json]"));
    auto records = api::ConfiguredProviders(workspace).list();
    if (!records)
        return failure(records.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const api::ProviderRecord &p : std::as_const(*records))
            array.append(QJsonObject{{QStringLiteral("name"), p.name},
                                     {QStringLiteral("kind"), p.kind},
                                     {QStringLiteral("base_url"), p.baseUrl},
                                     {QStringLiteral("model"), p.model},
                                     {QStringLiteral("max_connections"), p.maxConnections},
                                     {QStringLiteral("timeout_ms"), p.timeoutMs},
                                     {QStringLiteral("http2"), p.http2},
                                     {QStringLiteral("ca_bundle"), p.caBundle},
                                     {QStringLiteral("tls_verify"), !p.tlsInsecure},
                                     {QStringLiteral("key"), p.keyStore},
                                     {QStringLiteral("serves"), QJsonArray::fromStringList(api::ConfiguredProviders::capabilitiesOf(p.kind))}});
        outJson(QJsonDocument(array));
        return kExitOk;
    }
    if (records->isEmpty()) {
        outLine(QStringLiteral("no providers configured; the built-in ones need none (see ragdesk providers add)"));
        return kExitOk;
    }
    outLine(QStringLiteral("%1 %2 %3 %4 %5").arg(QStringLiteral("NAME"), -20).arg(QStringLiteral("KIND"), -18)
                .arg(QStringLiteral("MODEL"), -28).arg(QStringLiteral("KEY"), -9).arg(QStringLiteral("BASE URL")));
    for (const api::ProviderRecord &p : std::as_const(*records))
        outLine(QStringLiteral("%1 %2 %3 %4 %5%6").arg(p.name, -20).arg(p.kind, -18).arg(p.model, -28).arg(p.keyStore, -9).arg(p.baseUrl,
                    p.tlsInsecure ? QStringLiteral("  (TLS NOT VERIFIED)") : QString()));
    return kExitOk;
}

int remove(Workspace &workspace, const QStringList &args)
{
    if (args.size() != 1)
        return usageError(QStringLiteral("usage: ragdesk providers remove NAME"));
    if (auto removed = api::ConfiguredProviders(workspace).remove(args.first()); !removed)
        return failure(removed.error());
    outLine(QStringLiteral("removed provider '%1'").arg(args.first()));
    return kExitOk;
}

int test(Workspace &workspace, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("provider name"));
    parser.addOption({QStringLiteral("capability"), QStringLiteral("rerank, embeddings or chat"), QStringLiteral("WHAT")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("providers test")} + args) || parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ragdesk providers test NAME [--capability rerank|embeddings|chat] [--json]"));
    const auto report = api::ConfiguredProviders(workspace).test(parser.positionalArguments().first(),
                                                                 parser.value(QStringLiteral("capability")));
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject json{{QStringLiteral("provider"), report.provider},
                         {QStringLiteral("capability"), report.capability},
                         {QStringLiteral("ok"), report.ok},
                         {QStringLiteral("latency_ms"), report.latencyMs},
                         {QStringLiteral("attempts"), report.attempts},
                         {QStringLiteral("detail"), report.detail}};
        if (!report.ok)
            json.insert(QStringLiteral("error"), report.error);
        outJson(QJsonDocument(json));
        return report.ok ? kExitOk : kExitFailure;
    }
    if (!report.ok)
        return failure(QStringLiteral("%1 %2: %3").arg(report.provider, report.capability, report.error));
    outLine(QStringLiteral("ok: %1 %2 answered in %3 ms (%4)")
                .arg(report.provider, report.capability)
                .arg(report.latencyMs, 0, 'f', 1)
                .arg(report.detail));
    return kExitOk;
}

} // namespace

int providersCommand(Workspace &workspace, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("add"))
        return add(workspace, rest);
    if (sub == QLatin1String("list"))
        return list(workspace, rest);
    if (sub == QLatin1String("remove"))
        return remove(workspace, rest);
    if (sub == QLatin1String("test"))
        return test(workspace, rest);
    return usageError(QStringLiteral("usage: ragdesk providers add|list|remove|test ..."));
}

} // namespace rag::cli
