// GET /api/v1/admin/rerank-calls[/ID]: a shared server's rerank call log over HTTP, with the
// filters of `ragdesk calls` as query parameters (docs/serve.md, "Admin"). Read on the DB pool;
// bodies are stored redacted, as the call log keeps them.
#pragma once

#include "net/http_server.h"
#include "serve/api_error.h"
#include "store/provider_records.h"

#include <QPointer>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

#include <variant>

namespace rag {
class Workspace;
}

namespace rag::serve {

// provider, status (ok|error), since (ISO 8601), min_latency_ms, limit (1-1000, default 50),
// bodies (1|true).
std::variant<store::RerankCallFilter, ApiError> parseCallFilter(const QByteArray &query);

// `path` is the request's path under /api/v1/admin/rerank-calls: empty for the list, "/ID" for one.
QCoro::Task<void> serveRerankCalls(QThreadPool *dbPool, const Workspace *workspace, QByteArray path, QByteArray query,
                                   QPointer<net::HttpResponder> responder);

} // namespace rag::serve
