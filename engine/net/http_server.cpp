#include "net/http_server.h"

#include "net/http2_connection.h"
#include "net/http_connection.h"

#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>

namespace rag::net {

QByteArray HttpRequest::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

class HttpServer::Private {
public:
    Private(HttpHandler handler, HttpServerLimits limits)
        : handler(std::make_shared<const HttpHandler>(std::move(handler))), limits(limits)
    {
    }

    QTcpServer tcp;
    // Shared with the connections: one may outlive a handler swap or be mid-call at close().
    std::shared_ptr<const HttpHandler> handler;
    HttpServerLimits limits;
    QSet<HttpConnection *> connections;
    QSet<Http2Connection *> http2Connections;

    int openConnections() const { return int(connections.size() + http2Connections.size()); }
};

HttpServer::HttpServer(HttpHandler handler, HttpServerLimits limits, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(std::move(handler), limits))
{
    connect(&d->tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = d->tcp.nextPendingConnection()) {
            if (d->openConnections() >= d->limits.maxConnections) {
                qCWarning(lcNet) << "connection limit" << d->limits.maxConnections << "reached; refusing"
                                 << socket->peerAddress();
                socket->abort();
                socket->deleteLater();
                continue;
            }
            auto *connection = new HttpConnection(socket, d->handler, d->limits, this);
            d->connections.insert(connection);
            connect(connection, &HttpConnection::finished, this,
                    [this](HttpConnection *gone) { d->connections.remove(gone); });
            connect(connection, &HttpConnection::http2Preface, this, &HttpServer::switchToHttp2);
        }
    });
}

void HttpServer::switchToHttp2(HttpConnection *connection)
{
    d->connections.remove(connection);
    QByteArray received;
    QTcpSocket *socket = connection->takeSocket(&received);
    auto *http2 = new Http2Connection(socket, std::move(received), d->handler, d->limits, this);
    d->http2Connections.insert(http2);
    connect(http2, &Http2Connection::finished, this, [this](Http2Connection *gone) { d->http2Connections.remove(gone); });
}

HttpServer::~HttpServer()
{
    close();
    // Connections are children: QObject deletes them after this, without signals to us.
}

Result<void> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    // The kernel's accept queue must hold a burst of hundreds of connects (a load test starting
    // its users at once); Qt's default of 50 would drop SYNs and cost the clients a 1 s retry.
    d->tcp.setListenBacklogSize(d->limits.listenBacklog);
    // Accepted sockets are taken in the same slot, so this only matters if the loop is slow;
    // QTcpServer stops accepting past it (default 30).
    d->tcp.setMaxPendingConnections(std::max(d->limits.listenBacklog, 30));
    if (!d->tcp.listen(address, port))
        return fail(QStringLiteral("Cannot listen on %1:%2: %3")
                        .arg(address.toString())
                        .arg(port)
                        .arg(d->tcp.errorString()));
    return {};
}

quint16 HttpServer::port() const
{
    return d->tcp.serverPort();
}

QHostAddress HttpServer::address() const
{
    return d->tcp.serverAddress();
}

void HttpServer::close()
{
    d->tcp.close();
    // Aborting emits finished(), which edits the set: iterate over a copy.
    const QSet<HttpConnection *> open = d->connections;
    for (HttpConnection *connection : open)
        connection->abortConnection();
    d->connections.clear();
    const QSet<Http2Connection *> open2 = std::exchange(d->http2Connections, {});
    for (Http2Connection *connection : open2)
        connection->shutDown();
}

void HttpServer::stopListening()
{
    d->tcp.close();
}

void HttpServer::closeConnectionsWhenIdle()
{
    const QSet<HttpConnection *> open = d->connections; // closing edits the set
    for (HttpConnection *connection : open)
        connection->closeWhenIdle();
}

int HttpServer::openConnections() const
{
    return d->openConnections();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: break;
    }
    if (status >= 200 && status < 300)
        return "OK";
    if (status >= 400 && status < 500)
        return "Client Error";
    if (status >= 500 && status < 600)
        return "Server Error";
    return "Unknown";
}

} // namespace rag::net
