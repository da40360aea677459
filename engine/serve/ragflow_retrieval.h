// POST /api/v1/retrieval: hybrid search over the knowledge bases named (by name or id), merged
// best first and paged as RAGFlow pages (docs/serve.md). The searches run on the CPU pool.
#pragma once

#include "net/http_server.h"
#include "serve/ragflow_wire.h"

#include <QPointer>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

namespace rag {
class Workspace;
}

namespace rag::serve {

QCoro::Task<void> serveRetrieval(QThreadPool *cpuPool, Workspace *workspace, RagFlowRetrieval request,
                                 QPointer<net::HttpResponder> responder);

} // namespace rag::serve
