#include "providers/rerank/http_reranker.h"

#include "providers/calllog/rerank_call_log.h"
#include "providers/http/provider_http_client.h"
#include "providers/wire/chat_wire.h"

#include <QDateTime>

#include <algorithm>

namespace rag::providers {

namespace {

constexpr int kLoggedTopScores = 5;

} // namespace

HttpReranker::HttpReranker(ProviderSettings settings, ProviderHttpClient *client, RerankCallLog *log)
    : m_settings(std::move(settings))
    , m_client(client)
    , m_log(log)
{
}

RerankInput HttpReranker::inputFor(const RerankRequest &request) const
{
    return RerankInput{m_settings.kind, m_settings.baseUrl, m_settings.model, request.query, request.documents};
}

std::chrono::milliseconds HttpReranker::deadlineFor(const RerankRequest &request) const
{
    if (request.deadline.count() > 0)
        return std::min(request.deadline, m_settings.timeout);
    return m_settings.timeout;
}

Result<RerankReply> HttpReranker::settleBatch(const RerankRequest &request, const RerankBatch &batch,
                                              const HttpOutcome &outcome, const QString &mode)
{
    Result<RerankReply> reply = fail(QString());
    if (outcome.ok()) {
        reply = parseRerankReply(m_settings.kind, outcome.body, batch.count);
    } else {
        reply = callFailure(QStringLiteral("reranker '%1'").arg(m_settings.name), outcome);
    }
    if (m_log) {
        store::RerankCallRecord call;
        call.at = QDateTime::currentDateTimeUtc().addMSecs(-outcome.latencyMicros / 1000);
        call.provider = m_settings.name;
        call.model = m_settings.model;
        call.endpoint = batch.request.url.toString(QUrl::RemoveUserInfo);
        call.mode = mode;
        call.thread = RerankCallLog::currentThreadLabel();
        call.documents = batch.count;
        call.bytes = batch.request.body.size();
        call.attempts = outcome.attempts;
        call.httpStatus = outcome.status;
        call.ok = reply.ok();
        call.latencyMs = double(outcome.latencyMicros) / 1000.0;
        if (!reply.ok())
            call.error = reply.error();
        if (reply.ok()) {
            call.tokens = reply->totalTokens.value_or(0);
            for (const auto &[index, score] : reply->scores)
                call.topScores.append(score);
            std::sort(call.topScores.begin(), call.topScores.end(), std::greater<>());
            call.topScores = call.topScores.mid(0, kLoggedTopScores);
            if (request.documentIds.size() == request.documents.size()) {
                call.chunkIds = request.documentIds.mid(batch.offset, batch.count);
                call.scores = QList<double>(batch.count, 0.0); // a document the reply left out scored 0
                for (const auto &[index, score] : reply->scores)
                    call.scores[index] = score;
            }
        }
        call.query = request.query;
        // Keys travel in headers, never in bodies; redaction is the second line of defence.
        m_log->record(std::move(call), {batch.request.body, outcome.body, m_client->secrets()});
    }
    return reply;
}

Result<RerankResult> HttpReranker::combine(const RerankInput &input, const QList<RerankBatch> &batches,
                                           const QList<Result<RerankReply>> &replies,
                                           const QList<HttpOutcome> &outcomes) const
{
    RerankResult result;
    QList<RerankReply> good;
    bool reportedTokens = false;
    for (qsizetype i = 0; i < replies.size(); ++i) {
        if (!replies.at(i))
            return fail(replies.at(i).error());
        good.append(*replies.at(i));
        if (replies.at(i)->totalTokens) {
            result.tokens += *replies.at(i)->totalTokens;
            reportedTokens = true;
        }
        result.attempts += outcomes.at(i).attempts;
        result.latencyMicros = std::max(result.latencyMicros, outcomes.at(i).latencyMicros);
    }
    if (!reportedTokens)
        result.tokens = countRerankTokens(input);
    result.scores = combineRerankScores(int(input.documents.size()), batches, good);
    return result;
}

QCoro::Task<Result<RerankResult>> HttpReranker::rerank(RerankRequest request)
{
    if (request.documents.isEmpty())
        co_return RerankResult{};
    const RerankInput input = inputFor(request);
    const QList<RerankBatch> batches = buildRerankRequests(input);
    HttpCallOptions options;
    options.deadline = deadlineFor(request);
    options.cancel = request.cancel;
    // QCoro tasks start at once: every batch is on the wire before the first is awaited.
    std::vector<QCoro::Task<HttpOutcome>> calls;
    calls.reserve(batches.size());
    for (const RerankBatch &batch : batches)
        calls.push_back(m_client->post(batch.request, options));
    QList<HttpOutcome> outcomes;
    QList<Result<RerankReply>> replies;
    for (qsizetype i = 0; i < batches.size(); ++i) {
        outcomes.append(co_await std::move(calls[size_t(i)]));
        replies.append(settleBatch(request, batches.at(i), outcomes.constLast(), QStringLiteral("async")));
    }
    co_return combine(input, batches, replies, outcomes);
}

Result<RerankResult> HttpReranker::rerankBlocking(const RerankRequest &request)
{
    if (request.documents.isEmpty())
        return RerankResult{};
    const RerankInput input = inputFor(request);
    const QList<RerankBatch> batches = buildRerankRequests(input);
    HttpCallOptions options;
    options.deadline = deadlineFor(request);
    options.cancel = request.cancel;
    QList<HttpOutcome> outcomes;
    QList<Result<RerankReply>> replies;
    for (const RerankBatch &batch : batches) { // one after another, as a blocking client sends
        outcomes.append(m_client->postBlocking(batch.request, options));
        replies.append(settleBatch(request, batch, outcomes.constLast(), QStringLiteral("blocking")));
        if (!replies.constLast())
            break;
    }
    return combine(input, batches, replies, outcomes);
}

} // namespace rag::providers
