#include "net/http_connection.h"

#include <QTcpSocket>

#include <sys/socket.h>

#include <exception>

namespace rag::net {

namespace {

// After our response and half-close, a client still uploading a body we refused gets this long
// to notice and close; closing at once with unread input would make the kernel send a reset that
// can destroy the error response before the client reads it (nginx's "lingering close").
constexpr int kLingerMs = 2000;

// Headers the server writes itself: a handler must not break the framing of the response.
bool isFramingHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower == "content-length" || lower == "transfer-encoding" || lower == "connection";
}

bool statusHasNoBody(int status)
{
    return status < 200 || status == 204 || status == 304;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, std::shared_ptr<const HttpHandler> handler,
                               const HttpServerLimits &limits, QObject *parent)
    : HttpResponder(parent), m_socket(socket), m_handler(std::move(handler)), m_limits(limits), m_parser(limits)
{
    m_socket->setParent(this);
    // While a request is handled its successor is not read from the socket; this bound makes the
    // kernel push back on a client that pipelines without end instead of growing our buffer.
    m_socket->setReadBufferSize(256 * 1024);

    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcNet) << "closing idle connection from" << m_socket->peerAddress();
        closeGracefully();
    });
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_limits.requestTimeoutMs);
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Reading)
            return;
        qCDebug(lcNet) << "request from" << m_socket->peerAddress() << "still incomplete after"
                       << m_limits.requestTimeoutMs << "ms";
        failRequest(408);
    });
    m_lingerTimer.setSingleShot(true);
    m_lingerTimer.setInterval(kLingerMs);
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] {
        m_socket->abort();
        handleDisconnected();
    });

    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::handleDisconnected);
    connect(m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            handleDisconnected();
    });
    m_idleTimer.start();
    // Bytes that came with the connection are read from the event loop, once the server has
    // connected to our signals (the first ones may be HTTP/2's preface).
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (!m_socket)
        return; // handed over to HTTP/2
    // The socket is a child and would abort itself; its signals must not reach a half-destroyed us.
    m_socket->disconnect(this);
    m_socket->abort();
}

bool HttpConnection::isOpen() const
{
    return m_state != State::Closed && m_state != State::Closing;
}

void HttpConnection::onReadyRead()
{
    if (m_state == State::Closing) {
        m_socket->readAll(); // lingering: the rest of a refused request is discarded
        return;
    }
    if (m_state == State::Reading)
        processInput();
    // Handling / Streaming: the bytes wait in the socket until the response is finished.
}

void HttpConnection::processInput()
{
    m_processQueued = false;
    if (m_state != State::Reading)
        return;
    const QByteArray fresh = m_socket->readAll();
    if (!fresh.isEmpty()) {
        m_input += fresh;
        m_idleTimer.start(); // a slow request is not idle, a silent one is (and see onMessageBegin)
    }
    if (m_input.isEmpty() || awaitsOrSawHttp2Preface())
        return;
    const HttpRequestParser::Step step = m_parser.feed(m_input);
    m_input.remove(0, step.used);
    if (step.began)
        m_requestTimer.start(); // from here the request must be whole in time (CRLFs between requests do not count)
    if (step.expectsContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n"); // curl and others wait for it before a large body
    switch (step.status) {
    case HttpRequestParser::Status::NeedMore:
        break;
    case HttpRequestParser::Status::Complete:
        m_request = m_parser.takeRequest();
        m_request.peer = m_socket->peerAddress();
        // A drain (closeWhenIdle) that came while this request waited in m_input still holds.
        m_keepAlive = m_keepAlive && m_parser.keepAlive();
        m_http10 = m_parser.http10();
        m_isHead = m_parser.isHead();
        dispatch();
        break;
    case HttpRequestParser::Status::Failed:
        qCDebug(lcNet) << "bad request from" << m_socket->peerAddress() << m_parser.errorName();
        failRequest(m_parser.failStatus());
        break;
    }
}

bool HttpConnection::awaitsOrSawHttp2Preface()
{
    if (!m_firstBytes)
        return false;
    static constexpr QByteArrayView preface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    const qsizetype compared = std::min(m_input.size(), preface.size());
    if (QByteArrayView(m_input).first(compared) != preface.first(compared)) {
        m_firstBytes = false;
        return false;
    }
    if (compared == preface.size()) {
        m_state = State::Closed;
        m_idleTimer.stop();
        m_requestTimer.stop();
        emit http2Preface(this);
    }
    return true; // a preface, whole or still arriving
}

QTcpSocket *HttpConnection::takeSocket(QByteArray *received)
{
    *received = std::exchange(m_input, {});
    m_socket->disconnect(this);
    m_socket->setParent(nullptr);
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    deleteLater();
    return socket;
}

void HttpConnection::dispatch()
{
    m_state = State::Handling;
    m_idleTimer.stop(); // the handler may take long; the client's own deadline bounds it
    m_requestTimer.stop();
    // The handler is the boundary where exceptions stop: one must not take the event loop down.
    try {
        (*m_handler)(m_request, this);
        return;
    } catch (const std::exception &e) {
        qCWarning(lcNet) << "HTTP handler threw:" << e.what();
    } catch (...) {
        qCWarning(lcNet) << "HTTP handler threw an unknown exception";
    }
    if (m_state == State::Handling)
        respond(500, "text/plain", "Internal Server Error\n");
    else if (m_state == State::Streaming)
        abortConnection(); // a stream half-written by a failed handler cannot be ended cleanly
}

void HttpConnection::failRequest(int status)
{
    m_keepAlive = false;
    m_http10 = false;
    m_isHead = false;
    const QByteArray body = QByteArray::number(status) + ' ' + reasonPhrase(status) + '\n';
    m_socket->write(responseHead(status, "text/plain", {}, "Content-Length: " + QByteArray::number(body.size())) + body);
    closeGracefully();
}

QByteArray HttpConnection::responseHead(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders,
                                        const QByteArray &framing) const
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty() && isSafeHeaderText(contentType))
        head += "Content-Type: " + contentType + "\r\n";
    for (const auto &[name, value] : extraHeaders) {
        if (name.isEmpty() || isFramingHeader(name) || !isSafeHeaderText(name) || !isSafeHeaderText(value)) {
            qCWarning(lcNet) << "dropping response header" << name;
            continue;
        }
        head += name + ": " + value + "\r\n";
    }
    if (!framing.isEmpty())
        head += framing + "\r\n";
    if (!m_keepAlive)
        head += "Connection: close\r\n";
    else if (m_http10)
        head += "Connection: keep-alive\r\n"; // HTTP/1.0 closes unless told otherwise
    head += "\r\n";
    return head;
}

void HttpConnection::respond(int status, const QByteArray &contentType, const QByteArray &body,
                             const HttpHeaders &extraHeaders)
{
    if (m_state != State::Handling) {
        qCWarning(lcNet) << "respond() ignored: no request is waiting for an answer";
        return;
    }
    const bool noBody = statusHasNoBody(status);
    const QByteArray framing = noBody ? QByteArray() : "Content-Length: " + QByteArray::number(body.size());
    QByteArray out = responseHead(status, noBody ? QByteArray() : contentType, extraHeaders, framing);
    if (!noBody && !m_isHead)
        out += body;
    m_socket->write(out);
    finishResponse();
}

void HttpConnection::beginStream(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders)
{
    if (m_state != State::Handling) {
        qCWarning(lcNet) << "beginStream() ignored: no request is waiting for an answer";
        return;
    }
    m_state = State::Streaming;
    // HTTP/1.0 has no chunked encoding: the body then ends when we close the connection.
    m_chunkedResponse = !m_http10;
    if (!m_chunkedResponse)
        m_keepAlive = false;
    m_socket->write(responseHead(status, contentType, extraHeaders,
                                 m_chunkedResponse ? QByteArray("Transfer-Encoding: chunked") : QByteArray()));
    m_socket->flush();
}

void HttpConnection::writeChunk(const QByteArray &bytes)
{
    if (m_state != State::Streaming || bytes.isEmpty() || m_isHead)
        return; // an empty chunk would end the body
    if (m_chunkedResponse)
        m_socket->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    else
        m_socket->write(bytes);
    m_socket->flush(); // streamed tokens must reach the client now, not at the next event loop turn
}

void HttpConnection::endStream()
{
    if (m_state != State::Streaming)
        return;
    if (m_chunkedResponse && !m_isHead)
        m_socket->write("0\r\n\r\n");
    finishResponse();
}

void HttpConnection::finishResponse()
{
    m_socket->flush();
    if (!m_keepAlive) {
        closeGracefully();
        return;
    }
    m_state = State::Reading;
    m_idleTimer.start();
    // Parse a pipelined request from the event loop, not from inside the handler's call (which
    // could recurse through many pipelined requests).
    if (!m_processQueued) {
        m_processQueued = true;
        QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
    }
}

void HttpConnection::closeWhenIdle()
{
    if (m_state == State::Reading && m_input.isEmpty())
        closeGracefully();
    else
        m_keepAlive = false; // the response under way is the last
}

void HttpConnection::closeGracefully()
{
    if (m_state == State::Closed || m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_socket->readAll();
    onBytesWritten(); // half-closes now when nothing is left to send
}

void HttpConnection::onBytesWritten()
{
    if (m_state != State::Closing || m_socket->bytesToWrite() > 0 || m_lingerTimer.isActive())
        return;
    // Everything is in the kernel: send FIN after it and wait for the client to close its side.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_lingerTimer.start();
}

void HttpConnection::abortConnection()
{
    if (m_state == State::Closed)
        return;
    abortWithReset(m_socket);
    handleDisconnected();
}

void HttpConnection::handleDisconnected()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_lingerTimer.stop();
    emit closed();
    emit finished(this);
    deleteLater();
}

} // namespace rag::net
