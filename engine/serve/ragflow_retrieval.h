// POST /api/v1/retrieval: hybrid search over the knowledge bases named (by name or id), merged
// best first and paged as RAGFlow pages (docs/serve.md). The searches run on the CPU pool; a
// knowledge base embedded by a provider has the question embedded by it first, awaited here.
#pragma once

#include "net/http_server.h"
#include "serve/ragflow_wire.h"

#include "core/cancel_token.h"

#include <QPointer>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

#include <chrono>
#include <functional>

namespace rag {
class Workspace;
}
namespace rag::providers {
class ProviderRegistry;
}

namespace rag::serve {

// `cancel` stops the question's embedding (the client went away, the server drains); `ended` is
// called once the exchange is over, answered or not.
struct RetrievalCall {
    QThreadPool *cpuPool = nullptr;
    Workspace *workspace = nullptr;
    providers::ProviderRegistry *registry = nullptr;
    CancelTokenPtr cancel;
    std::chrono::milliseconds deadline{0};
    std::function<void()> ended;
};

QCoro::Task<void> serveRetrieval(RetrievalCall call, RagFlowRetrieval request, QPointer<net::HttpResponder> responder);

} // namespace rag::serve
