#include "serve/api_server.h"

#include "api/assistants.h"
#include "api/knowledge_bases.h"
#include "core/logging.h"
#include "serve/api_error.h"
#include "serve/completion_exchange.h"
#include "serve/openai_wire.h"
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
{
    m_http = std::make_unique<net::HttpServer>(
        [this](const net::HttpRequest &request, net::HttpResponder *responder) { handle(request, responder); },
        m_config.limits);
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
            m_notReadyReason = loaded.error();
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
    if (path == "/healthz" || path == "/readyz") {
        serveHealth(request, responder);
        return;
    }
    if (!m_auth.accepts(request.header("authorization"))) {
        respondError(responder, ApiError::unauthorized());
        return;
    }
    if (m_draining) {
        respondError(responder, ApiError::shuttingDown());
        return;
    }
    if (path == "/v1/models") {
        if (request.method != "GET")
            return respondError(responder, ApiError::methodNotAllowed("GET"));
        serveModels(responder);
    } else if (path == "/v1/chat/completions") {
        if (request.method != "POST")
            return respondError(responder, ApiError::methodNotAllowed("POST"));
        serveCompletion(request, responder);
    } else {
        respondError(responder, ApiError::notFound(path));
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

void ApiServer::serveCompletion(const net::HttpRequest &request, net::HttpResponder *responder)
{
    auto parsed = parseCompletionRequest(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return respondError(responder, *error);
    const quint64 id = m_nextAnswer++;
    const CancelTokenPtr cancel = CancelToken::create();
    m_active.insert(id, cancel);
    ExchangeOptions options;
    options.deadline = m_config.answerDeadline;
    options.cancel = cancel;
    options.ended = [server = QPointer<ApiServer>(this), id] {
        if (server)
            server->answerEnded(id);
    };
    answerCompletion(&m_engine, std::get<CompletionRequest>(std::move(parsed)), responder, std::move(options));
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
