// What the serve suites share: a knowledge base "nature" (two documents, sea otters and honey
// bees), an assistant "guide" on it, `ragdesk serve`'s ApiServer on loopback over them with its
// own chat engine, and a client that waits for each exchange (support/http_exchange.h).
#pragma once

#include "chat/chat_engine.h"
#include "serve/api_server.h"
#include "support/http_exchange.h"
#include "support/temp_workspace.h"

#include <QNetworkAccessManager>

#include <memory>

namespace rag::test {

class ServeFixture {
public:
    ServeFixture(); // a failure fails the running test (QTest::qFail)
    ~ServeFixture();

    // (Re)starts the engine and the server with these settings, on a free port.
    void start(serve::ServeConfig config = {}, chat::ChatEngineConfig engineConfig = {});
    qint64 addAssistant(const QString &name, const QString &llm = QStringLiteral("builtin"));
    // An assistant whose model is the provider simulator's OpenAI-compatible chat at `simulatorUrl`.
    qint64 addSimulatedAssistant(const QString &name, const QString &simulatorUrl);

    QByteArray baseUrl() const; // http://127.0.0.1:PORT
    QNetworkRequest request(const QByteArray &path, const QByteArray &key = {}) const; // JSON, Bearer key if given
    QNetworkReply *send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                        const QByteArray &key = {});
    HttpExchange call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      const QByteArray &key = {});

    TempWorkspace &workspace() { return *m_ws; }
    chat::ChatEngine &engine() { return *m_engine; }
    serve::ApiServer &server() { return *m_server; }
    QNetworkAccessManager &nam() { return m_nam; }

private:
    std::unique_ptr<TempWorkspace> m_ws;
    std::unique_ptr<chat::ChatEngine> m_engine;
    std::unique_ptr<serve::ApiServer> m_server;
    QNetworkAccessManager m_nam;
};

} // namespace rag::test
