#include "serve/api_server.h"

#include "api/assistants.h"
#include "api/knowledge_bases.h"
#include "core/logging.h"
#include "serve/api_error.h"
#include "serve/admin_calls.h"
#include "serve/answer_exchange.h"
#include "serve/openai_wire.h"
#include "serve/ragflow_retrieval.h"
#include "serve/ragflow_wire.h"
#include "serve/serve_metrics.h"
#include "providers/calllog/rerank_call_log.h"
#include "workspace/workspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::serve {

namespace {

QByteArray statusBody(const QString &status, const QString &detail = {})
{
    QJsonObject object{{QStringLiteral("status"), status}};
    if (!detail.isEmpty())
        object.insert(QStringLiteral("detail"), detail);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

// The route a request counts under in /metrics: a handful of names, whatever the path.
QString routeOf(const QByteArray &path)
{
    if (path == "/v1/chat/completions" || path == "/v1/models" || path == "/metrics" || path == "/api/v1/retrieval"
        || path == "/healthz" || path == "/readyz")
        return QString::fromLatin1(path);
    if (path.startsWith("/api/v1/chats/") && path.endsWith("/completions"))
        return QStringLiteral("/api/v1/chats/{chat_id}/completions");
    if (path.startsWith("/api/v1/admin/"))
        return QStringLiteral("/api/v1/admin/rerank-calls");
    return QStringLiteral("other");
}

// Without keys the server trusts whoever reaches it on loopback; a web page can too (a form's
// POST, or DNS rebinding to read answers), so a browser's Origin header or a Host that is not
// loopback is refused.
bool fromThisMachinesPrograms(const net::HttpRequest &request)
{
    if (!request.header("origin").isEmpty())
        return false;
    QByteArray host = request.header("host");
    if (host.isEmpty())
        return true; // HTTP/1.0, or HTTP/2 (its :authority is not a header here)
    if (host.startsWith('[')) {
        host = host.mid(1, host.indexOf(']') - 1);
    } else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0) {
        host.truncate(colon);
    }
    return host == "localhost" || QHostAddress(QString::fromLatin1(host)).isLoopback();
}

QCoro::Task<void> listModels(QThreadPool *pool, std::shared_ptr<const api::Assistants> assistants,
                             QPointer<net::HttpResponder> responder)
{
    auto listing = QtConcurrent::run(pool, [assistants] { return assistants->list(); });
    const auto listed = co_await listing;
    if (!responder)
        co_return;
    if (!listed) {
        respondError(responder, {500, "server_error", {}, listed.error(), {}, 0});
        co_return;
    }
    QStringList names;
    for (const api::Assistant &assistant : *listed)
        names.append(assistant.spec.name);
    responder->respond(200, "application/json", modelsBody(names));
}

// Every knowledge base searched once: that opens (or rebuilds) its vector and term indexes.
Result<void> loadIndexes(Workspace *workspace)
{
    const auto listed = api::KnowledgeBases(*workspace).list();
    if (!listed)
        return fail(listed.error());
    index::SearchOptions options;
    options.topN = 1;
    for (const api::KnowledgeBase &kb : *listed) {
        if (auto searched = workspace->search(kb.spec.name, QStringLiteral("ready"), options); !searched)
            return fail(QStringLiteral("knowledge base '%1': %2").arg(kb.spec.name, searched.error()));
    }
    return {};
}

} // namespace

ApiServer::ApiServer(Workspace &workspace, chat::ChatEngine &engine, ServeConfig config, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_engine(engine)
    , m_config(std::move(config))
    , m_auth(m_config.apiKeys)
    , m_adminAuth(m_config.adminKeys)
    , m_rates([this] {
        QList<double> rates;
        for (const QByteArray &key : std::as_const(m_config.apiKeys))
            rates.append(m_config.keyRateLimits.value(key, 0));
        return rates;
    }())
{
    m_http = std::make_unique<net::HttpServer>(
        [this](const net::HttpRequest &request, net::HttpResponder *responder) { handle(request, responder); },
        m_config.limits);
    m_engine.watchWith(m_monitor);
    m_monitor.watchLoop(QStringLiteral("engine"), &m_loopLag);
    m_monitor.setHistoryLimit(0); // /metrics reads the latest sample only
    connect(&m_monitor, &metrics::RuntimeMonitor::sampled, this,
            [this](const metrics::RuntimeSample &sample) { m_lastSample = sample; });
    m_monitor.start();
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcServe) << "grace period over;" << m_active.size() << "answers cancelled";
        cancelAll();
    });
}

ApiServer::~ApiServer()
{
    cancelAll();
    m_http->close();
}

void ApiServer::cancelAll()
{
    for (const CancelTokenPtr &cancel : std::as_const(m_active))
        cancel->cancel();
}

Result<void> ApiServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

quint16 ApiServer::port() const
{
    return m_http->port();
}

void ApiServer::warmUp()
{
    auto loading = QtConcurrent::run(&m_engine.cpuPool(), [workspace = &m_workspace] { return loadIndexes(workspace); });
    loading.then(this, [this](const Result<void> &loaded) {
        if (!loaded) {
            // The details (names, paths) go to the log, not to whoever asks /readyz without a key.
            m_notReadyReason = QStringLiteral("the indexes could not be loaded (see the server's log)");
            qCWarning(lcServe) << "not ready:" << loaded.error();
            return;
        }
        m_ready = true;
        m_notReadyReason.clear();
        emit ready();
    });
}

void ApiServer::drain(std::chrono::milliseconds grace)
{
    if (m_draining)
        return;
    m_draining = true;
    m_http->stopListening();
    m_http->closeConnectionsWhenIdle();
    qCInfo(lcServe) << "draining:" << m_active.size() << "answers in flight, grace" << grace.count() << "ms";
    if (m_active.isEmpty()) {
        QMetaObject::invokeMethod(this, &ApiServer::drained, Qt::QueuedConnection);
        return;
    }
    m_graceTimer.start(grace);
}

void ApiServer::handle(const net::HttpRequest &request, net::HttpResponder *responder)
{
    const QByteArray &path = request.path;
    ++m_requestsByRoute[routeOf(path)];
    if (path == "/healthz" || path == "/readyz") {
        serveHealth(request, responder);
        return;
    }
    if (!m_auth.required() && !fromThisMachinesPrograms(request)) {
        respondError(responder, {403, "permission_error", "not_local",
                                 QStringLiteral("A server without API keys answers only programs on this machine: requests "
                                                "from web pages (Origin) or for another host name are refused"),
                                 {}, 0});
        return;
    }
    if (path.startsWith("/api/v1/admin/")) {
        serveAdmin(request, responder);
        return;
    }
    // RAGFlow's clients read RAGFlow's error bodies, OpenAI's theirs.
    const bool ragFlow = path.startsWith("/api/v1/");
    const auto refuse = [ragFlow, responder](const ApiError &error) {
        responder->respond(error.status, "application/json", ragFlow ? ragFlowErrorBody(error) : errorBody(error) + '\n',
                           errorHeaders(error));
    };
    const int key = m_auth.matchingKey(request.header("authorization"));
    if (m_auth.required() && key < 0)
        return refuse(ApiError::unauthorized());
    if (const auto retryAfter = m_rates.take(key))
        return refuse({429, "rate_limit_error", "rate_limit_exceeded",
                       QStringLiteral("This key's request rate is limited; retry after %1 s").arg(*retryAfter), {}, *retryAfter});
    if (m_draining) {
        responder->closeAfterResponse(); // the client moves on to another instance
        return refuse(ApiError::shuttingDown());
    }
    if (ragFlow) {
        serveRagFlow(request, responder, m_auth.digest(key));
    } else if (path == "/v1/models") {
        if (request.method != "GET")
            return refuse(ApiError::methodNotAllowed("GET"));
        serveModels(responder);
    } else if (path == "/metrics") {
        if (request.method != "GET")
            return refuse(ApiError::methodNotAllowed("GET"));
        serveMetrics(responder);
    } else if (path == "/v1/chat/completions") {
        if (request.method != "POST")
            return refuse(ApiError::methodNotAllowed("POST"));
        serveCompletion(request, responder);
    } else {
        refuse(ApiError::notFound(path));
    }
}

void ApiServer::serveHealth(const net::HttpRequest &request, net::HttpResponder *responder)
{
    if (request.method != "GET" && request.method != "HEAD")
        return respondError(responder, ApiError::methodNotAllowed("GET"));
    if (request.path == "/healthz") {
        responder->respond(200, "application/json", statusBody(QStringLiteral("ok")));
        return;
    }
    if (m_draining)
        responder->respond(503, "application/json", statusBody(QStringLiteral("draining")));
    else if (!m_ready)
        responder->respond(503, "application/json", statusBody(QStringLiteral("starting"), m_notReadyReason));
    else
        responder->respond(200, "application/json", statusBody(QStringLiteral("ready")));
}

void ApiServer::serveModels(net::HttpResponder *responder)
{
    listModels(&m_engine.dbPool(), std::make_shared<const api::Assistants>(m_workspace), responder);
}

void ApiServer::serveMetrics(net::HttpResponder *responder)
{
    ServeMetricsInput input;
    input.stages = m_engine.statistics().snapshot();
    input.runtime = m_lastSample.atMs > 0 ? m_lastSample : m_monitor.sampleNow();
    input.rerankCalls = m_engine.callLog().counts();
    input.requestsByRoute = m_requestsByRoute;
    input.answersInFlight = activeAnswers();
    input.ready = m_ready && !m_draining;
    responder->respond(200, "text/plain; version=0.0.4; charset=utf-8", serveMetricsText(input));
}

void ApiServer::serveCompletion(const net::HttpRequest &request, net::HttpResponder *responder)
{
    auto parsed = parseCompletionRequest(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return respondError(responder, *error);
    const CompletionRequest &completion = std::get<CompletionRequest>(parsed);
    startAnswer(askOptionsFor(completion, m_config.answerDeadline), std::make_shared<OpenAiFormat>(completion),
                completion.stream, responder);
}

void ApiServer::serveRagFlow(const net::HttpRequest &request, net::HttpResponder *responder, const QByteArray &sessionSecret)
{
    const auto refuse = [responder](const ApiError &error) {
        responder->respond(error.status, "application/json", ragFlowErrorBody(error), errorHeaders(error));
    };
    const QList<QByteArray> parts = request.path.split('/'); // "", "api", "v1", "chats", ID, "completions"
    if (request.path == "/api/v1/retrieval") {
        if (request.method != "POST")
            return refuse(ApiError::methodNotAllowed("POST"));
        auto parsed = parseRagFlowRetrieval(request.body);
        if (auto *error = std::get_if<ApiError>(&parsed))
            return refuse(*error);
        // Tracked as answers are: a drain waits for it, its grace's end cancels it.
        const quint64 id = m_nextAnswer++;
        RetrievalCall call{&m_engine.cpuPool(), &m_workspace, &m_engine.providers(), CancelToken::create(),
                           m_config.answerDeadline, [server = QPointer<ApiServer>(this), id] {
                               if (server)
                                   server->answerEnded(id);
                           }};
        m_active.insert(id, call.cancel);
        serveRetrieval(std::move(call), std::get<RagFlowRetrieval>(std::move(parsed)), responder);
    } else if (parts.size() == 6 && parts.at(3) == "chats" && parts.at(5) == "completions" && !parts.at(4).isEmpty()) {
        if (request.method != "POST")
            return refuse(ApiError::methodNotAllowed("POST"));
        auto parsed = parseRagFlowCompletion(QString::fromUtf8(parts.at(4)), request.body, sessionSecret);
        if (auto *error = std::get_if<ApiError>(&parsed))
            return refuse(*error);
        const RagFlowCompletion &completion = std::get<RagFlowCompletion>(parsed);
        startAnswer(askOptionsFor(completion, m_config.answerDeadline), std::make_shared<RagFlowFormat>(completion),
                    completion.stream, responder);
    } else {
        refuse(ApiError::notFound(request.path));
    }
}

void ApiServer::serveAdmin(const net::HttpRequest &request, net::HttpResponder *responder)
{
    const bool allowed = m_adminAuth.required() ? m_adminAuth.accepts(request.header("authorization")) : !m_auth.required();
    if (!allowed) {
        if (m_adminAuth.required())
            return respondError(responder, ApiError::unauthorized());
        return respondError(responder, {403, "permission_error", "admin_disabled",
                                        QStringLiteral("The admin endpoints need an admin key: start the server with "
                                                       "--admin-key-env VAR"),
                                        {}, 0});
    }
    static constexpr QByteArrayView prefix("/api/v1/admin/rerank-calls");
    if (!request.path.startsWith(prefix) || (request.path.size() > prefix.size() && request.path.at(prefix.size()) != '/'))
        return respondError(responder, ApiError::notFound(request.path));
    if (request.method != "GET")
        return respondError(responder, ApiError::methodNotAllowed("GET"));
    serveRerankCalls(&m_engine.dbPool(), &m_workspace, request.path.mid(prefix.size()), request.query, responder);
}

void ApiServer::startAnswer(chat::AskOptions ask, std::shared_ptr<AnswerFormat> format, bool stream,
                            net::HttpResponder *responder)
{
    const quint64 id = m_nextAnswer++;
    const CancelTokenPtr cancel = CancelToken::create();
    m_active.insert(id, cancel);
    ExchangeOptions options;
    options.stream = stream;
    options.cancel = cancel;
    options.ended = [server = QPointer<ApiServer>(this), id] {
        if (server)
            server->answerEnded(id);
    };
    answerOverHttp(&m_engine, std::move(ask), std::move(format), responder, std::move(options));
}

void ApiServer::answerEnded(quint64 id)
{
    m_active.remove(id);
    if (m_draining && m_active.isEmpty()) {
        m_graceTimer.stop();
        emit drained();
    }
}

} // namespace rag::serve
