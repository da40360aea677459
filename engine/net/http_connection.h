// One accepted TCP connection of HttpServer (private to ragdesk_net): reads requests one at a time
// (HttpRequestParser) and is the HttpResponder handlers answer through.
#pragma once

#include "net/connection_support.h"
#include "net/http_request_parser.h"
#include "net/http_server.h"

#include <QByteArray>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace rag::net {

class HttpConnection final : public HttpResponder {
    Q_OBJECT
public:
    // Takes ownership of `socket`.
    HttpConnection(QTcpSocket *socket, std::shared_ptr<const HttpHandler> handler,
                   const HttpServerLimits &limits, QObject *parent);
    ~HttpConnection() override;

    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 const HttpHeaders &extraHeaders = {}) override;
    void beginStream(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders = {}) override;
    void writeChunk(const QByteArray &bytes) override;
    void endStream() override;
    void abortConnection() override;
    bool isOpen() const override;
    void closeAfterResponse() override { m_keepAlive = false; }
    // A drain: closes now when no request is under way, else after the response under way.
    void closeWhenIdle();

    // After http2Preface(): gives up the socket and the bytes read from it. The connection is
    // then inert and deleted later, without closed(): no request of it was seen.
    QTcpSocket *takeSocket(QByteArray *received);

signals:
    // The connection is gone for good (after closed()); the server forgets it. Deleted later.
    void finished(rag::net::HttpConnection *connection);
    // The client opened with the HTTP/2 preface (h2c with prior knowledge).
    void http2Preface(rag::net::HttpConnection *connection);

private:
    enum class State {
        Reading,   // parsing the next request (or waiting for it)
        Handling,  // the request went to the handler; no response bytes yet
        Streaming, // beginStream() was called
        Closing,   // the last response is out; waiting for the peer to close
        Closed,
    };
    void onReadyRead();
    void processInput();
    void dispatch();
    void failRequest(int status);
    QByteArray responseHead(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders,
                            const QByteArray &framing) const;
    void finishResponse();
    void closeGracefully();
    void onBytesWritten();
    void handleDisconnected();
    bool awaitsOrSawHttp2Preface();     // only on the first bytes of a connection

    QTcpSocket *m_socket;
    std::shared_ptr<const HttpHandler> m_handler;
    HttpServerLimits m_limits;
    HttpRequestParser m_parser;
    State m_state = State::Reading;
    QByteArray m_input; // bytes received and not parsed yet (e.g. a pipelined request)
    HttpRequest m_request; // the one being answered
    bool m_keepAlive = true;
    bool m_http10 = false;
    bool m_isHead = false;
    bool m_chunkedResponse = false; // false while streaming: close-delimited (HTTP/1.0 clients)
    bool m_processQueued = false;
    bool m_firstBytes = true; // nothing parsed yet: HTTP/2's preface may still come
    QTimer m_idleTimer;   // keep-alive connection with no request
    QTimer m_requestTimer; // a request still arriving: a slow client may not hold a connection
    QTimer m_lingerTimer; // after our half-close, how long to wait for the peer's close
};

} // namespace rag::net
