#include "cli/cli.h"

#include "api/rerank_calls.h"
#include "cli/console.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QJsonArray>

namespace rag::cli {

int callsCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral(
        "usage: ragdesk calls [--provider NAME] [--status ok|error] [--since ISO-TIME] [--min-latency-ms X]"
        " [--limit N] [--bodies] [--json]");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("provider"), QStringLiteral("provider"), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("status"), QStringLiteral("ok or error"), QStringLiteral("STATUS")});
    parser.addOption({QStringLiteral("since"), QStringLiteral("ISO time"), QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("min-latency-ms"), QStringLiteral("slowest only"), QStringLiteral("X")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("how many"), QStringLiteral("N"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("bodies"), QStringLiteral("include request and response bodies")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("calls")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);

    api::RerankCallFilter filter;
    filter.provider = parser.value(QStringLiteral("provider"));
    filter.status = parser.value(QStringLiteral("status"));
    if (!filter.status.isEmpty() && filter.status != QLatin1String("ok") && filter.status != QLatin1String("error"))
        return usageError(QStringLiteral("--status is ok or error, not '%1'").arg(filter.status));
    if (parser.isSet(QStringLiteral("since"))) {
        filter.since = QDateTime::fromString(parser.value(QStringLiteral("since")), Qt::ISODateWithMs);
        if (!filter.since.isValid())
            return usageError(QStringLiteral("--since takes an ISO 8601 time such as 2026-11-27T10:00:00Z, not '%1'")
                                  .arg(parser.value(QStringLiteral("since"))));
    }
    bool ok = true;
    if (parser.isSet(QStringLiteral("min-latency-ms"))) {
        filter.minLatencyMs = parser.value(QStringLiteral("min-latency-ms")).toDouble(&ok);
        if (!ok || filter.minLatencyMs < 0)
            return usageError(QStringLiteral("--min-latency-ms takes a number of milliseconds"));
    }
    filter.limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || filter.limit < 1)
        return usageError(QStringLiteral("--limit takes a whole number above 0"));
    filter.withBodies = parser.isSet(QStringLiteral("bodies"));

    auto calls = api::RerankCalls(workspace).query(filter);
    if (!calls)
        return failure(calls.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const api::RerankCallRecord &c : std::as_const(*calls))
            array.append(api::rerankCallToJson(c, filter.withBodies));
        outJson(QJsonDocument(array));
        return kExitOk;
    }
    if (calls->isEmpty()) {
        outLine(QStringLiteral("no rerank calls recorded%1").arg(filter.provider.isEmpty() && filter.status.isEmpty()
                                                                       ? QString() : QStringLiteral(" that match")));
        return kExitOk;
    }
    outLine(QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                .arg(QStringLiteral("TIME"), -24).arg(QStringLiteral("PROVIDER"), -16).arg(QStringLiteral("MODE"), -8)
                .arg(QStringLiteral("DOCS"), 5).arg(QStringLiteral("TRIES"), 5).arg(QStringLiteral("HTTP"), 4)
                .arg(QStringLiteral("MS"), 8).arg(QStringLiteral("RESULT")));
    for (const api::RerankCallRecord &c : std::as_const(*calls)) {
        const QString result = c.ok ? QStringLiteral("ok, best %1").arg(c.topScores.value(0), 0, 'f', 3) : c.error.left(80);
        outLine(QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                    .arg(c.at.toString(Qt::ISODateWithMs), -24).arg(c.provider.left(16), -16).arg(c.mode, -8)
                    .arg(c.documents, 5).arg(c.attempts, 5).arg(c.httpStatus, 4).arg(c.latencyMs, 8, 'f', 1).arg(result));
    }
    return kExitOk;
}

} // namespace rag::cli
