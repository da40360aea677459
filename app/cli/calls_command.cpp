#include "cli/cli.h"

#include "api/rerank_calls.h"
#include "cli/console.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

namespace rag::cli {

namespace {

QJsonObject replayToJson(const api::RerankReplayReport &report)
{
    QJsonArray documents;
    for (const api::RerankReplayRow &row : report.rows) {
        documents.append(QJsonObject{{QStringLiteral("chunk_id"), row.chunkId},
                                     {QStringLiteral("document"), row.document},
                                     {QStringLiteral("logged_rank"), row.loggedRank},
                                     {QStringLiteral("logged_score"), row.loggedScore},
                                     {QStringLiteral("replay_rank"), row.replayRank},
                                     {QStringLiteral("replay_score"), row.replayScore},
                                     {QStringLiteral("change"), row.rankChange()}});
    }
    return {{QStringLiteral("call"), report.callId},
            {QStringLiteral("query"), report.query},
            {QStringLiteral("logged"), QJsonObject{{QStringLiteral("provider"), report.loggedProvider},
                                                   {QStringLiteral("latency_ms"), report.loggedLatencyMs}}},
            {QStringLiteral("replay"), QJsonObject{{QStringLiteral("provider"), report.replayProvider},
                                                   {QStringLiteral("latency_ms"), report.replayLatencyMs}}},
            {QStringLiteral("missing"), report.missing},
            {QStringLiteral("moved"), report.moved()},
            {QStringLiteral("documents"), documents}};
}

QString changeText(int change)
{
    if (change == 0)
        return QStringLiteral("=");
    return change > 0 ? QStringLiteral("up %1").arg(change) : QStringLiteral("down %1").arg(-change);
}

int replayCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral("usage: ragdesk calls replay ID --reranker NAME [--json]");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("reranker"), QStringLiteral("a provider that reranks, or builtin"),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON output")});
    if (!parser.parse(QStringList{QStringLiteral("replay")} + args) || parser.positionalArguments().size() != 1)
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);
    bool ok = false;
    const qint64 id = parser.positionalArguments().constFirst().toLongLong(&ok);
    if (!ok || id < 1)
        return usageError(QStringLiteral("a call is named by its id (a whole number from `ragdesk calls`), not '%1'")
                              .arg(parser.positionalArguments().constFirst()));
    const QString reranker = parser.value(QStringLiteral("reranker"));
    if (reranker.isEmpty())
        return usageError(QStringLiteral("--reranker NAME is needed: a provider that reranks, or builtin\n") + usage);

    const api::RerankReplayReport report = api::RerankCalls(workspace).replay(id, reranker);
    if (!report.ok())
        return failure(report.error);
    if (parser.isSet(QStringLiteral("json"))) {
        outJson(QJsonDocument(replayToJson(report)));
        return kExitOk;
    }
    outLine(QStringLiteral("call %1: \"%2\"").arg(report.callId).arg(report.query.left(100)));
    outLine(QStringLiteral("logged by %1 in %2 ms; replayed by %3 in %4 ms; %5 of %6 documents moved%7")
                .arg(report.loggedProvider).arg(report.loggedLatencyMs, 0, 'f', 1)
                .arg(report.replayProvider).arg(report.replayLatencyMs, 0, 'f', 1)
                .arg(report.moved()).arg(report.rows.size())
                .arg(report.missing ? QStringLiteral(" (%1 no longer stored, left out)").arg(report.missing) : QString()));
    outLine(QStringLiteral("%1 %2 %3 %4 %5 %6")
                .arg(QStringLiteral("LOGGED"), 6).arg(QStringLiteral("SCORE"), 6).arg(QStringLiteral("REPLAY"), 6)
                .arg(QStringLiteral("SCORE"), 6).arg(QStringLiteral("CHANGE"), -8).arg(QStringLiteral("DOCUMENT")));
    for (const api::RerankReplayRow &row : report.rows) {
        outLine(QStringLiteral("%1 %2 %3 %4 %5 %6")
                    .arg(row.loggedRank, 6).arg(row.loggedScore, 6, 'f', 3).arg(row.replayRank, 6)
                    .arg(row.replayScore, 6, 'f', 3).arg(changeText(row.rankChange()), -8)
                    .arg(row.document.isEmpty() ? row.text.simplified().left(60) : row.document.left(60)));
    }
    return kExitOk;
}

} // namespace

int callsCommand(Workspace &workspace, const QStringList &args)
{
    if (!args.isEmpty() && args.constFirst() == QLatin1String("replay"))
        return replayCommand(workspace, args.mid(1));

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
