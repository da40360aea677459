#include "serve/admin_calls.h"

#include "api/rerank_calls.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::serve {

namespace {

constexpr int kMaxLimit = 1000;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

std::variant<store::RerankCallFilter, ApiError> parseCallFilter(const QByteArray &query)
{
    const QUrlQuery parameters(QString::fromUtf8(query));
    store::RerankCallFilter filter;
    filter.limit = 50;
    const auto value = [&](const char *name) { return parameters.queryItemValue(QLatin1String(name), QUrl::FullyDecoded); };
    for (const auto &[name, ignored] : parameters.queryItems()) {
        static const QStringList known{QStringLiteral("provider"), QStringLiteral("status"), QStringLiteral("since"),
                                       QStringLiteral("min_latency_ms"), QStringLiteral("limit"), QStringLiteral("bodies")};
        if (!known.contains(name))
            return ApiError::badRequest(QStringLiteral("Unknown parameter '%1'; the filters are %2").arg(name, known.join(QStringLiteral(", "))), name);
    }
    filter.provider = value("provider");
    filter.status = value("status");
    if (!filter.status.isEmpty() && filter.status != QLatin1String("ok") && filter.status != QLatin1String("error"))
        return ApiError::badRequest(QStringLiteral("status is ok or error, not '%1'").arg(filter.status), QStringLiteral("status"));
    if (parameters.hasQueryItem(QStringLiteral("since"))) {
        filter.since = QDateTime::fromString(value("since"), Qt::ISODateWithMs);
        if (!filter.since.isValid())
            return ApiError::badRequest(QStringLiteral("since takes an ISO 8601 time such as 2026-11-27T10:00:00Z, not '%1'").arg(value("since")),
                                        QStringLiteral("since"));
    }
    bool ok = true;
    if (parameters.hasQueryItem(QStringLiteral("min_latency_ms"))) {
        filter.minLatencyMs = value("min_latency_ms").toDouble(&ok);
        if (!ok || filter.minLatencyMs < 0)
            return ApiError::badRequest(QStringLiteral("min_latency_ms takes a number of milliseconds"), QStringLiteral("min_latency_ms"));
    }
    if (parameters.hasQueryItem(QStringLiteral("limit"))) {
        filter.limit = value("limit").toInt(&ok);
        if (!ok || filter.limit < 1 || filter.limit > kMaxLimit)
            return ApiError::badRequest(QStringLiteral("limit takes a whole number from 1 to %1, not '%2'").arg(kMaxLimit).arg(value("limit")),
                                        QStringLiteral("limit"));
    }
    const QString bodies = value("bodies");
    filter.withBodies = bodies == QLatin1String("1") || bodies == QLatin1String("true");
    return filter;
}

QCoro::Task<void> serveRerankCalls(QThreadPool *dbPool, const Workspace *workspace, QByteArray path, QByteArray query,
                                   QPointer<net::HttpResponder> responder)
{
    if (path.isEmpty() || path == "/") {
        auto parsed = parseCallFilter(query);
        if (auto *error = std::get_if<ApiError>(&parsed)) {
            respondError(responder, *error);
            co_return;
        }
        const store::RerankCallFilter filter = std::get<store::RerankCallFilter>(parsed);
        auto querying = QtConcurrent::run(dbPool, [workspace, filter] { return api::RerankCalls(*workspace).query(filter); });
        const auto calls = co_await querying;
        if (!responder)
            co_return;
        if (!calls) {
            respondError(responder, {500, "server_error", {}, calls.error(), {}, 0});
            co_return;
        }
        QJsonArray array;
        for (const api::RerankCallRecord &call : *calls)
            array.append(api::rerankCallToJson(call, filter.withBodies));
        responder->respond(200, "application/json", compact({{QStringLiteral("calls"), array}}));
        co_return;
    }
    bool ok = false;
    const qint64 id = path.mid(1).toLongLong(&ok);
    if (!ok || id < 1 || path.count('/') != 1) {
        respondError(responder, ApiError::notFound("/api/v1/admin/rerank-calls" + path));
        co_return;
    }
    auto finding = QtConcurrent::run(dbPool, [workspace, id] { return api::RerankCalls(*workspace).find(id); });
    const auto call = co_await finding;
    if (!responder)
        co_return;
    if (!call) {
        respondError(responder, {404, "invalid_request_error", "call_not_found", call.error(), {}, 0});
        co_return;
    }
    responder->respond(200, "application/json", compact(api::rerankCallToJson(*call, true)));
}

} // namespace rag::serve
