#include "providers/rerank/builtin_reranker.h"

#include "text/token_counter.h"
#include "providers/builtin/lexical_reranker.h"
#include "providers/calllog/rerank_call_log.h"
#include "providers/wire/json_writer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

#include <algorithm>

namespace rag::providers {

BuiltinReranker::BuiltinReranker(QString name, QThreadPool *cpuPool, RerankCallLog *log)
    : m_name(std::move(name))
    , m_pool(cpuPool)
    , m_log(log)
{
}

RerankResult BuiltinReranker::score(const RerankRequest &request) const
{
    QElapsedTimer clock;
    clock.start();
    RerankResult result;
    result.scores = lexicalRerankScores(request.query, request.documents);
    result.tokens = text::countTokens(request.query);
    for (const QString &d : request.documents)
        result.tokens += text::countTokens(d);
    result.attempts = 1;
    result.latencyMicros = clock.nsecsElapsed() / 1000;
    return result;
}

void BuiltinReranker::log(const RerankRequest &request, const Result<RerankResult> &result, const QString &mode) const
{
    if (!m_log)
        return;
    store::RerankCallRecord call;
    call.provider = m_name;
    call.model = QStringLiteral("lexical");
    call.endpoint = QStringLiteral("builtin");
    call.mode = mode;
    call.thread = RerankCallLog::currentThreadLabel();
    call.documents = int(request.documents.size());
    for (const QString &d : request.documents)
        call.bytes += d.toUtf8().size();
    // No HTTP here: the inspector shows what was scored instead of a request body.
    const QByteArray scored = wire::compactWithStringArray({{QStringLiteral("query"), request.query}},
                                                           QLatin1StringView("documents"), request.documents);
    call.ok = result.ok();
    if (result.ok()) {
        call.attempts = 1;
        call.latencyMs = double(result->latencyMicros) / 1000.0;
        call.tokens = result->tokens;
        call.topScores = result->scores;
        std::sort(call.topScores.begin(), call.topScores.end(), std::greater<>());
        call.topScores = call.topScores.mid(0, 5);
        if (request.documentIds.size() == request.documents.size()) {
            call.chunkIds = request.documentIds;
            call.scores = result->scores;
        }
    } else {
        call.error = result.error();
    }
    call.query = request.query;
    call.at = QDateTime::currentDateTimeUtc().addMSecs(-qint64(call.latencyMs));
    m_log->record(std::move(call), {scored, {}, {}});
}

QCoro::Task<Result<RerankResult>> BuiltinReranker::rerank(RerankRequest request)
{
    if (request.cancel && request.cancel->isCancelled())
        co_return fail(QStringLiteral("cancelled"));
    QFuture<RerankResult> future = QtConcurrent::run(m_pool, [this, request] { return score(request); });
    RerankResult result = co_await future;
    Result<RerankResult> outcome = std::move(result);
    log(request, outcome, QStringLiteral("async"));
    co_return outcome;
}

Result<RerankResult> BuiltinReranker::rerankBlocking(const RerankRequest &request)
{
    Result<RerankResult> outcome = score(request);
    log(request, outcome, QStringLiteral("blocking"));
    return outcome;
}

} // namespace rag::providers
