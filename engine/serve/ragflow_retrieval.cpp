#include "serve/ragflow_retrieval.h"

#include "api/knowledge_bases.h"
#include "workspace/workspace.h"

#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

#include <algorithm>

namespace rag::serve {

namespace {

struct Retrieved {
    QList<index::SearchHit> page;
    QList<qint64> kbIds;
    qsizetype total = 0;
    std::optional<ApiError> error;
};

Retrieved retrieve(Workspace *workspace, const RagFlowRetrieval &request)
{
    Retrieved out;
    const auto listed = api::KnowledgeBases(*workspace).list();
    if (!listed) {
        out.error = ApiError{500, "server_error", {}, listed.error(), {}, 0};
        return out;
    }
    QList<std::pair<index::SearchHit, qint64>> merged;
    for (const QString &wanted : request.datasets) {
        const auto kb = std::find_if(listed->cbegin(), listed->cend(), [&](const api::KnowledgeBase &k) {
            return k.spec.name == wanted || QString::number(k.id) == wanted;
        });
        if (kb == listed->cend()) {
            out.error = ApiError{404, "invalid_request_error", "dataset_not_found",
                                 QStringLiteral("You don't own the dataset %1 (no knowledge base has that name or id)").arg(wanted),
                                 QStringLiteral("dataset_ids"), 0};
            return out;
        }
        auto found = workspace->search(kb->spec.name, request.question, request.search);
        if (!found) {
            out.error = ApiError::badRequest(found.error());
            return out;
        }
        for (const index::SearchHit &hit : std::as_const(found->hits))
            merged.append({hit, kb->id});
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const auto &a, const auto &b) { return a.first.similarity > b.first.similarity; });
    out.total = merged.size();
    const qsizetype from = qsizetype(request.page - 1) * request.pageSize;
    for (qsizetype i = from; i < merged.size() && i < from + request.pageSize; ++i) {
        out.page.append(merged.at(i).first);
        out.kbIds.append(merged.at(i).second);
    }
    return out;
}

} // namespace

QCoro::Task<void> serveRetrieval(QThreadPool *cpuPool, Workspace *workspace, RagFlowRetrieval request,
                                 QPointer<net::HttpResponder> responder)
{
    auto searching = QtConcurrent::run(cpuPool, [workspace, request] { return retrieve(workspace, request); });
    const Retrieved retrieved = co_await searching;
    if (!responder)
        co_return;
    if (retrieved.error) {
        responder->respond(retrieved.error->status, "application/json", ragFlowErrorBody(*retrieved.error),
                           errorHeaders(*retrieved.error));
        co_return;
    }
    responder->respond(200, "application/json", retrievalBody(retrieved.page, retrieved.kbIds, retrieved.total));
}

} // namespace rag::serve
