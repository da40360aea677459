// A small HTTP server on QTcpServer: HTTP/1.1 with Debian's http-parser (keep-alive, chunked
// request bodies, fixed-length or chunked (streamed) responses), and HTTP/2 in clear text with
// prior knowledge (h2c) with nghttp2, chosen by the client's first bytes; limits on header and body
// size, idle timeouts. Lives on the thread that creates it; handlers run there and may answer later
// (timers, coroutines), which is how the simulator models latency and `serve` streams answers.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <functional>
#include <memory>
#include <utility>

namespace rag::net {

class HttpConnection;

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method; // "GET", "POST", ...
    QByteArray path;   // percent-decoded path without the query, e.g. "/jina/v1/rerank"
    QByteArray query;  // raw query string without '?'
    HttpHeaders headers; // names lower-cased, in arrival order
    QByteArray body;
    QHostAddress peer;

    QByteArray header(const QByteArray &lowerCaseName) const; // empty when absent
};

// The answer side of one request. Owned by its connection: hold it in a QPointer across
// asynchronous work; it is gone when the client disconnects (closed() is emitted first).
// Exactly one of respond() / beginStream()...endStream() / abortConnection() per request.
class HttpResponder : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // A complete response with Content-Length.
    virtual void respond(int status, const QByteArray &contentType, const QByteArray &body,
                         const HttpHeaders &extraHeaders = {}) = 0;
    // A streamed response: chunked transfer encoding. endStream() sends the last chunk.
    virtual void beginStream(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders = {}) = 0;
    virtual void writeChunk(const QByteArray &bytes) = 0;
    virtual void endStream() = 0;
    // Drops the connection at once without a complete response (a reset, or a stream cut short).
    // On HTTP/2 only this exchange's stream is reset; the connection's others go on.
    virtual void abortConnection() = 0;

    virtual bool isOpen() const = 0;
    // HTTP/1.1: the connection closes once this response ends ("Connection: close"); call before
    // responding. HTTP/2: nothing, its streams end on their own.
    virtual void closeAfterResponse() = 0;

signals:
    void closed(); // the client went away or the connection was aborted
};

using HttpHandler = std::function<void(const HttpRequest &request, HttpResponder *responder)>;

struct HttpServerLimits {
    qsizetype maxHeaderBytes = 64 * 1024;        // over it: 431 and close
    qsizetype maxBodyBytes = 32 * 1024 * 1024;   // over it: 413 and close
    int idleTimeoutMs = 60'000;                  // keep-alive connection with no request
    int requestTimeoutMs = 30'000;               // from a request's first byte to its whole body: 408
    int maxConnections = 8192;                   // over it: new connections are closed at once
    int listenBacklog = 1024;                    // bursts of connects must not hit SYN drops
};

class HttpServer : public QObject {
    Q_OBJECT
public:
    explicit HttpServer(HttpHandler handler, HttpServerLimits limits = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    Result<void> listen(const QHostAddress &address, quint16 port); // port 0: any free port
    quint16 port() const;
    QHostAddress address() const;
    void close(); // stops listening and drops every connection
    void stopListening(); // new connections are refused; open ones go on (a drain)
    // HTTP/1.1 connections close once their response under way has been sent (idle ones now),
    // without a reset that could drop the response's last bytes. HTTP/2 ones end with close().
    void closeConnectionsWhenIdle();

    int openConnections() const; // HTTP/1.1 and HTTP/2

private:
    void switchToHttp2(HttpConnection *connection);

    class Private;
    std::unique_ptr<Private> d;
};

// Standard reason phrase for a status code ("OK", "Too Many Requests", ...).
QByteArray reasonPhrase(int status);

} // namespace rag::net
