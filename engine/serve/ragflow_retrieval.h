// POST /api/v1/retrieval: hybrid search over the knowledge bases named (by name or id), merged
// best first and paged as RAGFlow pages (docs/serve.md). The searches run on the CPU pool; a
// knowledge base embedded by a provider has the question embedded by it first, awaited here.
#pragma once

#include "net/http_server.h"
#include "serve/ragflow_wire.h"

#include <QPointer>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

namespace rag {
class Workspace;
}
namespace rag::providers {
class ProviderRegistry;
}

namespace rag::serve {

QCoro::Task<void> serveRetrieval(QThreadPool *cpuPool, Workspace *workspace, providers::ProviderRegistry *registry,
                                 RagFlowRetrieval request, QPointer<net::HttpResponder> responder);

} // namespace rag::serve
