#include "serve/ragflow_retrieval.h"

#include "api/knowledge_bases.h"
#include "chat/question_embedding.h"
#include "index/builtin_embedder.h"
#include "workspace/workspace.h"

#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

#include <algorithm>

namespace rag::serve {

namespace {

struct Resolved {
    QList<api::KnowledgeBase> kbs;
    std::optional<ApiError> error;
};

// The knowledge bases named, by name or id.
Resolved resolve(Workspace *workspace, const QStringList &datasets)
{
    Resolved out;
    const auto listed = api::KnowledgeBases(*workspace).list();
    if (!listed) {
        out.error = ApiError{500, "server_error", {}, listed.error(), {}, 0};
        return out;
    }
    for (const QString &wanted : datasets) {
        const auto kb = std::find_if(listed->cbegin(), listed->cend(), [&](const api::KnowledgeBase &k) {
            return k.spec.name == wanted || QString::number(k.id) == wanted;
        });
        if (kb == listed->cend()) {
            out.error = ApiError{404, "invalid_request_error", "dataset_not_found",
                                 QStringLiteral("You don't own the dataset %1 (no knowledge base has that name or id)").arg(wanted),
                                 QStringLiteral("dataset_ids"), 0};
            return out;
        }
        out.kbs.append(*kb);
    }
    return out;
}

struct Retrieved {
    QList<index::SearchHit> page;
    QList<qint64> kbIds;
    qsizetype total = 0;
    std::optional<ApiError> error;
};

Retrieved retrieve(Workspace *workspace, const QList<api::KnowledgeBase> &kbs, const RagFlowRetrieval &request,
                   const Workspace::QueryVectors &vectors)
{
    Retrieved out;
    QList<std::pair<index::SearchHit, qint64>> merged;
    for (const api::KnowledgeBase &kb : kbs) {
        auto found = workspace->search(kb.spec.name, request.question, request.search, vectors);
        if (!found) {
            out.error = ApiError::badRequest(found.error());
            return out;
        }
        for (const index::SearchHit &hit : std::as_const(found->hits))
            merged.append({hit, kb.id});
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

void respondRagFlowError(net::HttpResponder *responder, const ApiError &error)
{
    responder->respond(error.status, "application/json", ragFlowErrorBody(error), errorHeaders(error));
}

} // namespace

namespace {
QCoro::Task<void> retrieveAndRespond(RetrievalCall call, RagFlowRetrieval request, QPointer<net::HttpResponder> responder)
{
    auto resolving = QtConcurrent::run(call.cpuPool, [workspace = call.workspace, datasets = request.datasets] {
        return resolve(workspace, datasets);
    });
    const Resolved resolved = co_await resolving;
    if (!responder)
        co_return;
    if (resolved.error) {
        respondRagFlowError(responder, *resolved.error);
        co_return;
    }
    QStringList kbEmbedders;
    for (const api::KnowledgeBase &kb : resolved.kbs)
        kbEmbedders.append(kb.spec.embedder);
    const QStringList embedders = providerEmbedders(kbEmbedders);
    Workspace::QueryVectors vectors;
    if (!embedders.isEmpty()) {
        providers::EmbedRequest embed;
        embed.texts = {request.question};
        embed.cancel = call.cancel;
        embed.deadline = call.deadline;
        auto embedding = chat::embedQuestion(call.registry, false, embedders, embed);
        auto embedded = co_await embedding;
        if (!responder || call.cancel->isCancelled())
            co_return;
        if (!embedded) {
            respondRagFlowError(responder, ApiError{502, "server_error", "embedding_failed", embedded.error(), {}, 0});
            co_return;
        }
        vectors = std::move(*embedded);
    }
    auto searching = QtConcurrent::run(call.cpuPool, [workspace = call.workspace, kbs = resolved.kbs, request, vectors] {
        return retrieve(workspace, kbs, request, vectors);
    });
    const Retrieved retrieved = co_await searching;
    if (!responder)
        co_return;
    if (retrieved.error) {
        respondRagFlowError(responder, *retrieved.error);
        co_return;
    }
    responder->respond(200, "application/json", retrievalBody(retrieved.page, retrieved.kbIds, retrieved.total));
}
} // namespace

QCoro::Task<void> serveRetrieval(RetrievalCall call, RagFlowRetrieval request, QPointer<net::HttpResponder> responder)
{
    // A client that leaves stops the provider call; the server hears the end either way.
    if (responder)
        QObject::connect(responder, &net::HttpResponder::closed, [cancel = call.cancel] { cancel->cancel(); });
    auto retrieving = retrieveAndRespond(call, std::move(request), responder);
    co_await retrieving;
    if (call.ended)
        call.ended();
}

} // namespace rag::serve
