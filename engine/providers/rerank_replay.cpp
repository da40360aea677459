#include "providers/rerank_replay.h"

#include "providers/calllog/rerank_call_log.h"
#include "providers/provider_registry.h"
#include "providers/rerank/reranker.h"
#include "providers/wire/score_normalizer.h"
#include "store/chunk_repository.h"
#include "store/database.h"
#include "store/rerank_call_repository.h"

#include <QCoreApplication>
#include <QEvent>
#include <QHash>
#include <QThreadPool>

#include <algorithm>
#include <numeric>

namespace rag::providers {

namespace {

// Rank 1 is the best score; equal scores keep the documents' order, as the pipeline's sort does.
QList<int> ranksOf(const QList<double> &scores)
{
    std::vector<int> order(size_t(scores.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores.at(a) > scores.at(b); });
    QList<int> ranks(scores.size(), 0);
    for (size_t position = 0; position < order.size(); ++position)
        ranks[order[position]] = int(position) + 1;
    return ranks;
}

QString whyNotReplayable(const store::RerankCallRecord &call)
{
    if (!call.ok)
        return QStringLiteral("call %1 failed; only a call that returned scores can be replayed").arg(call.id);
    if (call.chunkIds.isEmpty() || call.chunkIds.size() != call.scores.size())
        return QStringLiteral("call %1 was logged without its documents (a provider test's call, or one logged before "
                              "calls kept them), so it cannot be replayed")
            .arg(call.id);
    return {};
}

} // namespace

int RerankReplayReport::moved() const
{
    return int(std::count_if(rows.begin(), rows.end(), [](const RerankReplayRow &row) { return row.rankChange() != 0; }));
}

QCoro::Task<RerankReplayReport> replayRerankCall(ProviderRegistry &registry, store::RerankCallRecord call,
                                                 QList<store::ChunkView> chunks, QString reranker,
                                                 CancelTokenPtr cancel)
{
    RerankReplayReport report;
    report.callId = call.id;
    report.query = call.query;
    report.loggedProvider = call.provider;
    report.loggedLatencyMs = call.latencyMs;
    report.replayProvider = reranker;
    if (report.error = whyNotReplayable(call); !report.error.isEmpty())
        co_return report;

    QHash<qint64, qsizetype> stored;
    for (qsizetype i = 0; i < chunks.size(); ++i)
        stored.insert(chunks.at(i).id, i);
    // The documents still stored, in the call's order, with what the call scored them.
    RerankRequest request;
    request.query = call.query;
    request.cancel = cancel;
    QList<double> logged;
    for (qsizetype i = 0; i < call.chunkIds.size(); ++i) {
        const auto found = stored.constFind(call.chunkIds.at(i));
        if (found == stored.cend()) {
            ++report.missing;
            continue;
        }
        const store::ChunkView &chunk = chunks.at(*found);
        RerankReplayRow row;
        row.chunkId = chunk.id;
        row.document = chunk.document;
        row.text = chunk.content;
        report.rows.append(row);
        request.documents.append(rerankDocumentText(chunk.document, chunk.content));
        request.documentIds.append(chunk.id);
        logged.append(call.scores.at(i));
    }
    if (report.rows.isEmpty()) {
        report.error = QStringLiteral("none of the %1 documents of call %2 is still stored (removed or ingested again "
                                      "since), so there is nothing to replay")
                           .arg(call.chunkIds.size())
                           .arg(call.id);
        co_return report;
    }

    auto found = co_await registry.reranker(reranker);
    if (!found) {
        report.error = found.error();
        co_return report;
    }
    if (!*found) {
        report.error = QStringLiteral("'none' does not rerank; choose a reranker to replay with");
        co_return report;
    }
    const Result<RerankResult> replayed = co_await (*found)->rerank(request);
    if (!replayed) {
        report.error = replayed.error();
        co_return report;
    }
    report.replayLatencyMs = double(replayed->latencyMicros) / 1000.0;

    const QList<double> loggedScores = normalizeScores(logged);
    const QList<int> loggedRanks = ranksOf(loggedScores);
    const QList<int> replayRanks = ranksOf(replayed->scores);
    for (qsizetype i = 0; i < report.rows.size(); ++i) {
        RerankReplayRow &row = report.rows[i];
        row.loggedScore = loggedScores.at(i);
        row.loggedRank = loggedRanks.at(i);
        row.replayScore = replayed->scores.value(i);
        row.replayRank = replayRanks.at(i);
    }
    std::sort(report.rows.begin(), report.rows.end(),
              [](const RerankReplayRow &a, const RerankReplayRow &b) { return a.loggedRank < b.loggedRank; });
    co_return report;
}

RerankReplayReport replayRerankCall(std::shared_ptr<store::Database> database, const QString &dataDir, qint64 callId,
                                    const QString &reranker, CancelTokenPtr cancel)
{
    RerankReplayReport report;
    report.callId = callId;
    report.replayProvider = reranker;
    auto call = store::RerankCallRepository(database->connection()).find(callId);
    if (!call) {
        report.error = call.error();
        return report;
    }
    QList<store::ChunkView> chunks;
    if (whyNotReplayable(*call).isEmpty()) {
        auto read = store::ChunkRepository(database->connection()).chunks(call->chunkIds);
        if (!read) {
            report.error = read.error();
            return report;
        }
        chunks = std::move(*read);
    }
    {
        RerankCallLog callLog(database);
        ProviderRegistry registry({database, dataDir, QThreadPool::globalInstance(), &callLog});
        report = QCoro::waitFor(replayRerankCall(registry, std::move(*call), std::move(chunks), reranker, std::move(cancel)));
    }
    // What the call left to be deleted later goes now: the calling thread may have no event loop
    // of its own (a pool thread's, as the desktop's replay uses).
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return report;
}

} // namespace rag::providers
