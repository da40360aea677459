// `ragdesk serve`'s HTTP API on the engine thread (docs/serve.md): routes requests to the chat
// engine and the api/ facades, checks keys, reports liveness and readiness, and drains on
// shutdown. Answers are coroutines on this thread; database work runs on the engine's DB pool and
// index loading on its CPU pool, so the loop that serves everyone never waits.
#pragma once

#include "chat/chat_engine.h"
#include "metrics/loop_lag_probe.h"
#include "metrics/runtime_monitor.h"
#include "net/http_server.h"
#include "serve/answer_format.h"
#include "serve/bearer_auth.h"
#include "serve/key_rate_limits.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace rag {
class Workspace;
}

namespace rag::serve {

struct ServeConfig {
    QList<QByteArray> apiKeys;                    // none: no key asked (loopback binds only)
    QHash<QByteArray, double> keyRateLimits;      // requests per second of a key; absent: no limit
    // The admin endpoints' keys. None: the admin endpoints answer only a server without API keys
    // (on loopback); with API keys they then refuse (403), since call bodies hold users' questions.
    QList<QByteArray> adminKeys;
    // Requests are JSON questions: a megabyte holds a long conversation's history, and nobody
    // holds 32 MiB of the server's memory per connection before the key is even checked.
    net::HttpServerLimits limits{.maxBodyBytes = 1024 * 1024};
    std::chrono::milliseconds answerDeadline{120'000};
};

class ApiServer : public QObject {
    Q_OBJECT
public:
    ApiServer(Workspace &workspace, chat::ChatEngine &engine, ServeConfig config, QObject *parent = nullptr);
    ~ApiServer() override;

    Result<void> listen(const QHostAddress &address, quint16 port); // port 0: any free port
    quint16 port() const;

    // Opens every knowledge base's indexes on the CPU pool; /readyz answers 200 once they are
    // loaded (ready()), 503 with the reason before or if loading failed.
    void warmUp();
    bool isReady() const { return m_ready; }

    // Stops accepting connections and refuses new requests with 503; answers in flight go on
    // until `grace`, then are cancelled. drained() once none is left (at once if none is running).
    void drain(std::chrono::milliseconds grace);
    bool isDraining() const { return m_draining; }
    void cancelAll(); // every answer in flight stops now (a second SIGTERM)
    int activeAnswers() const { return int(m_active.size()); }
    int openConnections() const { return m_http->openConnections(); }

signals:
    void ready();
    void drained();

private:
    void handle(const net::HttpRequest &request, net::HttpResponder *responder);
    void serveHealth(const net::HttpRequest &request, net::HttpResponder *responder);
    void serveModels(net::HttpResponder *responder);
    void serveMetrics(net::HttpResponder *responder);
    void serveCompletion(const net::HttpRequest &request, net::HttpResponder *responder);
    // sessionSecret: the caller's key digest, what its RAGFlow session ids are signed with.
    void serveRagFlow(const net::HttpRequest &request, net::HttpResponder *responder, const QByteArray &sessionSecret);
    void serveAdmin(const net::HttpRequest &request, net::HttpResponder *responder);
    // Runs an answer, counted for the drain.
    void startAnswer(chat::AskOptions ask, std::shared_ptr<AnswerFormat> format, bool stream, net::HttpResponder *responder);
    void answerEnded(quint64 id);

    Workspace &m_workspace;
    chat::ChatEngine &m_engine;
    ServeConfig m_config;
    BearerAuth m_auth;
    BearerAuth m_adminAuth;
    KeyRateLimits m_rates;
    std::unique_ptr<net::HttpServer> m_http;
    bool m_ready = false;
    QString m_notReadyReason = QStringLiteral("loading indexes");
    bool m_draining = false;
    QTimer m_graceTimer;
    quint64 m_nextAnswer = 1;
    QHash<quint64, CancelTokenPtr> m_active; // answers in flight, to cancel when the grace ends
    QHash<QString, qint64> m_requestsByRoute;
    metrics::LoopLagProbe m_loopLag;
    metrics::RuntimeMonitor m_monitor;
    metrics::RuntimeSample m_lastSample;
};

} // namespace rag::serve
