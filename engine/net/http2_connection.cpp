#include "net/http2_connection.h"

#include "net/http2_stream.h"
#include "net/connection_support.h"

#include <QTcpSocket>

#include <nghttp2/nghttp2.h>

#include <exception>
#include <vector>

namespace rag::net {

namespace {

// Request bodies (a rerank call carries tens of passages) arrive without waiting for window
// updates: 1 MiB per stream, 16 MiB for the connection.
constexpr int32_t kStreamWindow = 1 << 20;
constexpr int32_t kConnectionWindow = 16 << 20;

// Connection-specific headers are forbidden in HTTP/2 (RFC 9113 section 8.2.2), and the framing
// is nghttp2's: a handler's copies of them are dropped.
bool isForbiddenResponseHeader(const QByteArray &lowerName)
{
    return lowerName == "content-length" || lowerName == "transfer-encoding" || lowerName == "connection"
        || lowerName == "keep-alive" || lowerName == "upgrade" || lowerName == "proxy-connection";
}

Http2Stream *streamOf(nghttp2_session *session, int32_t id)
{
    return static_cast<Http2Stream *>(nghttp2_session_get_stream_user_data(session, id));
}

bool isRequestHeaders(const nghttp2_frame *frame)
{
    return frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST;
}

} // namespace

struct Http2Connection::Callbacks {
    static Http2Connection *self(void *user) { return static_cast<Http2Connection *>(user); }

    static int onBeginHeaders(nghttp2_session *session, const nghttp2_frame *frame, void *user)
    {
        if (!isRequestHeaders(frame))
            return 0;
        Http2Connection *c = self(user);
        auto *stream = new Http2Stream(c, frame->hd.stream_id);
        stream->request.peer = c->m_socket->peerAddress();
        c->m_streams.insert(frame->hd.stream_id, stream);
        c->m_idleTimer.stop();
        // A request that does not arrive whole in time is answered 408, as over HTTP/1.1: a
        // client that trickles (or never ends) its body must not hold a stream and its buffer.
        stream->requestTimer.setSingleShot(true);
        QObject::connect(&stream->requestTimer, &QTimer::timeout, c, [c, stream] {
            if (stream->dispatched)
                return;
            stream->failStatus = 408;
            stream->request.body.clear();
            c->dispatch(stream);
        });
        stream->requestTimer.start(c->m_limits.requestTimeoutMs);
        nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, stream);
        return 0;
    }

    static int onHeader(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t nameLength,
                        const uint8_t *value, size_t valueLength, uint8_t, void *user)
    {
        Http2Stream *stream = isRequestHeaders(frame) ? streamOf(session, frame->hd.stream_id) : nullptr;
        if (!stream || stream->failStatus)
            return 0; // trailers, or a request already refused
        stream->headerBytes += qsizetype(nameLength + valueLength + 4);
        if (stream->headerBytes > self(user)->m_limits.maxHeaderBytes) {
            stream->failStatus = 431;
            return 0;
        }
        const QByteArray n(reinterpret_cast<const char *>(name), qsizetype(nameLength));
        const QByteArray v(reinterpret_cast<const char *>(value), qsizetype(valueLength));
        HttpRequest &r = stream->request;
        if (n == ":method") {
            r.method = v;
        } else if (n == ":path") {
            const qsizetype question = v.indexOf('?');
            r.path = QByteArray::fromPercentEncoding(question < 0 ? v : v.left(question));
            if (question >= 0)
                r.query = v.mid(question + 1);
            if (r.path.isEmpty())
                r.path = "/";
        } else if (n == ":authority") {
            r.headers.append({QByteArrayLiteral("host"), v});
        } else if (!n.startsWith(':')) {
            r.headers.append({n, v}); // nghttp2 has checked that names are lower case
        }
        return 0;
    }

    static int onDataChunk(nghttp2_session *session, uint8_t, int32_t id, const uint8_t *data, size_t length, void *user)
    {
        Http2Stream *stream = streamOf(session, id);
        if (!stream || stream->failStatus)
            return 0; // a refused body is read and dropped, so flow control goes on
        QByteArray &body = stream->request.body;
        if (body.size() + qsizetype(length) > self(user)->m_limits.maxBodyBytes) {
            stream->failStatus = 413;
            body.clear();
            return 0;
        }
        body.append(reinterpret_cast<const char *>(data), qsizetype(length));
        return 0;
    }

    static int onFrameReceived(nghttp2_session *session, const nghttp2_frame *frame, void *user)
    {
        const bool endsRequest = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA)
                              && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
        if (!endsRequest)
            return 0;
        if (Http2Stream *stream = streamOf(session, frame->hd.stream_id); stream && !stream->dispatched)
            self(user)->dispatch(stream);
        return 0;
    }

    static int onStreamClose(nghttp2_session *session, int32_t id, uint32_t, void *user)
    {
        if (Http2Stream *stream = streamOf(session, id))
            self(user)->streamClosed(stream);
        return 0;
    }

    static ssize_t readBody(nghttp2_session *, int32_t, uint8_t *buffer, size_t length, uint32_t *flags,
                            nghttp2_data_source *source, void *)
    {
        return static_cast<Http2Stream *>(source->ptr)->readBody(buffer, length, flags);
    }

    static nghttp2_session_callbacks *make()
    {
        nghttp2_session_callbacks *callbacks = nullptr;
        nghttp2_session_callbacks_new(&callbacks);
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &onBeginHeaders);
        nghttp2_session_callbacks_set_on_header_callback(callbacks, &onHeader);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &onDataChunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &onFrameReceived);
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &onStreamClose);
        return callbacks;
    }
};

Http2Connection::Http2Connection(QTcpSocket *socket, QByteArray received, std::shared_ptr<const HttpHandler> handler,
                                 const HttpServerLimits &limits, QObject *parent)
    : QObject(parent), m_socket(socket), m_handler(std::move(handler)), m_limits(limits)
{
    m_socket->setParent(this);
    nghttp2_session_callbacks *callbacks = Callbacks::make();
    nghttp2_session_server_new(&m_session, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, uint32_t(kMaxConcurrentStreams)},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, uint32_t(kStreamWindow)},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);

    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcNet) << "closing idle HTTP/2 connection from" << m_socket->peerAddress();
        nghttp2_session_terminate_session(m_session, NGHTTP2_NO_ERROR);
        flush();
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &Http2Connection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &Http2Connection::handleDisconnected);
    connect(m_socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            handleDisconnected();
    });
    m_idleTimer.start();
    receive(received + m_socket->readAll());
}

Http2Connection::~Http2Connection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    nghttp2_session_del(m_session);
}

void Http2Connection::onReadyRead()
{
    receive(m_socket->readAll());
}

void Http2Connection::receive(const QByteArray &bytes)
{
    if (m_closed || bytes.isEmpty())
        return;
    m_inLibrary = true;
    const ssize_t consumed = nghttp2_session_mem_recv(m_session, reinterpret_cast<const uint8_t *>(bytes.constData()),
                                                      size_t(bytes.size()));
    m_inLibrary = false;
    if (consumed < 0) {
        // A protocol error: nghttp2 has queued a GOAWAY saying so, which flush() sends before
        // the connection closes.
        qCDebug(lcNet) << "HTTP/2 error from" << m_socket->peerAddress() << nghttp2_strerror(int(consumed));
        nghttp2_session_terminate_session(m_session, NGHTTP2_PROTOCOL_ERROR);
    }
    flush();
}

void Http2Connection::flush()
{
    if (m_closed)
        return;
    if (m_inLibrary) {
        m_flushWanted = true;
        return;
    }
    m_inLibrary = true;
    do {
        m_flushWanted = false;
        for (;;) {
            const uint8_t *data = nullptr;
            const ssize_t length = nghttp2_session_mem_send(m_session, &data);
            if (length < 0) {
                qCWarning(lcNet) << "HTTP/2 send failed:" << nghttp2_strerror(int(length));
                m_inLibrary = false;
                abortConnection();
                return;
            }
            if (length == 0)
                break;
            m_socket->write(reinterpret_cast<const char *>(data), length);
        }
    } while (m_flushWanted);
    m_inLibrary = false;
    m_socket->flush(); // streamed tokens go out now, not at the next event loop turn
    closeIfDone();
}

void Http2Connection::closeIfDone()
{
    if (m_closed || nghttp2_session_want_read(m_session) || nghttp2_session_want_write(m_session))
        return;
    m_socket->disconnectFromHost(); // after what is still buffered; then disconnected()
}

void Http2Connection::dispatch(Http2Stream *stream)
{
    stream->dispatched = true;
    stream->requestTimer.stop();
    if (stream->failStatus) {
        const int status = stream->failStatus;
        stream->respond(status, "text/plain", QByteArray::number(status) + ' ' + reasonPhrase(status) + '\n');
        return;
    }
    // The handler is the boundary where exceptions stop: they must not unwind through nghttp2.
    try {
        (*m_handler)(stream->request, stream);
        return;
    } catch (const std::exception &e) {
        qCWarning(lcNet) << "HTTP handler threw:" << e.what();
    } catch (...) {
        qCWarning(lcNet) << "HTTP handler threw an unknown exception";
    }
    if (!stream->answered())
        stream->respond(500, "text/plain", "Internal Server Error\n");
    else if (stream->isOpen())
        stream->abortConnection(); // a stream half-written by a failed handler cannot be ended cleanly
}

void Http2Connection::submitResponse(Http2Stream *stream, int status, const QByteArray &contentType,
                                     const HttpHeaders &extraHeaders, bool withBody)
{
    HttpHeaders fields{{QByteArrayLiteral(":status"), QByteArray::number(status)}};
    if (!contentType.isEmpty() && isSafeHeaderText(contentType))
        fields.append({QByteArrayLiteral("content-type"), contentType});
    for (const auto &[name, value] : extraHeaders) {
        const QByteArray lower = name.toLower();
        if (lower.isEmpty() || isForbiddenResponseHeader(lower) || !isSafeHeaderText(lower) || !isSafeHeaderText(value)) {
            qCWarning(lcNet) << "dropping response header" << name;
            continue;
        }
        fields.append({lower, value});
    }
    std::vector<nghttp2_nv> nv; // points into `fields`; nghttp2 copies what it keeps
    nv.reserve(size_t(fields.size()));
    for (const auto &[name, value] : std::as_const(fields))
        nv.push_back({reinterpret_cast<uint8_t *>(const_cast<char *>(name.constData())),
                      reinterpret_cast<uint8_t *>(const_cast<char *>(value.constData())), size_t(name.size()),
                      size_t(value.size()), NGHTTP2_NV_FLAG_NONE});
    nghttp2_data_provider body{};
    body.source.ptr = stream;
    body.read_callback = &Callbacks::readBody;
    if (const int rv = nghttp2_submit_response(m_session, stream->id(), nv.data(), nv.size(), withBody ? &body : nullptr);
        rv != 0)
        qCDebug(lcNet) << "HTTP/2 response not submitted:" << nghttp2_strerror(rv);
    flush();
}

void Http2Connection::resumeBody(Http2Stream *stream)
{
    nghttp2_session_resume_data(m_session, stream->id()); // fails harmlessly when not deferred
    flush();
}

void Http2Connection::resetStream(Http2Stream *stream)
{
    nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, stream->id(), NGHTTP2_INTERNAL_ERROR);
    flush();
}

void Http2Connection::streamClosed(Http2Stream *stream)
{
    m_streams.remove(stream->id());
    stream->markClosed();
    if (m_streams.isEmpty() && !m_closed)
        m_idleTimer.start();
}

void Http2Connection::abortConnection()
{
    if (m_closed)
        return;
    abortWithReset(m_socket);
    handleDisconnected();
}

void Http2Connection::shutDown()
{
    if (m_closed)
        return;
    for (Http2Stream *stream : std::as_const(m_streams))
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, stream->id(), NGHTTP2_INTERNAL_ERROR);
    // Not terminate_session(): its GOAWAY would go out alone, before (and instead of) the resets.
    nghttp2_submit_goaway(m_session, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(m_session),
                          NGHTTP2_NO_ERROR, nullptr, 0);
    flush();
    // The socket outlives us until its last bytes are out; a reset could destroy them in flight.
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setParent(nullptr);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    handleDisconnected();
}

void Http2Connection::handleDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    m_idleTimer.stop();
    const QHash<int32_t, Http2Stream *> open = std::exchange(m_streams, {});
    for (Http2Stream *stream : open)
        stream->markClosed();
    emit finished(this);
    deleteLater();
}

} // namespace rag::net
