// One accepted TCP connection speaking HTTP/2 in clear text with prior knowledge (h2c, RFC 9113
// section 3.3), private to ragdesk_net. HttpServer hands a connection over here when its first
// bytes are the HTTP/2 preface. nghttp2 does the framing, HPACK and flow control; this class feeds
// it the socket's bytes, writes what it produces, and runs each stream's request through the
// same handler as HTTP/1.1. One connection carries up to kMaxConcurrentStreams exchanges at once,
// which is what lets a client keep hundreds of calls in flight on a few sockets and threads.
#pragma once

#include "net/http_server.h"

#include <QByteArray>
#include <QHash>
#include <QTimer>

#include <cstdint>
#include <memory>

class QTcpSocket;
struct nghttp2_session;

namespace rag::net {

class Http2Stream;

class Http2Connection final : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxConcurrentStreams = 256;

    // Takes ownership of `socket`; `received` holds the bytes already read from it (the preface).
    Http2Connection(QTcpSocket *socket, QByteArray received, std::shared_ptr<const HttpHandler> handler,
                    const HttpServerLimits &limits, QObject *parent);
    ~Http2Connection() override;

    // Drops the connection at once: every open stream's responder sees closed().
    void abortConnection();
    // The server is closing: each open stream is reset (the client's calls fail at once, which
    // Qt's HTTP/2 client does not do for a dropped connection), GOAWAY says why, the socket
    // closes after them; responders see closed() now.
    void shutDown();

    // For Http2Stream: queue frames for one stream, then write them out.
    void submitResponse(Http2Stream *stream, int status, const QByteArray &contentType,
                        const HttpHeaders &extraHeaders, bool withBody);
    void resumeBody(Http2Stream *stream);
    void resetStream(Http2Stream *stream);

signals:
    // The connection is gone for good; the server forgets it. Deleted later.
    void finished(rag::net::Http2Connection *connection);

private:
    struct Callbacks; // nghttp2's C callbacks, with access to members
    friend struct Callbacks;

    void onReadyRead();
    void receive(const QByteArray &bytes);
    void flush();
    void dispatch(Http2Stream *stream);
    void streamClosed(Http2Stream *stream);
    void closeIfDone();
    void handleDisconnected();

    QTcpSocket *m_socket;
    std::shared_ptr<const HttpHandler> m_handler;
    HttpServerLimits m_limits;
    nghttp2_session *m_session = nullptr;
    QHash<int32_t, Http2Stream *> m_streams;
    // nghttp2 must not be re-entered: frames submitted from a callback (a handler answering at
    // once) are written after the library returns.
    bool m_inLibrary = false;
    bool m_flushWanted = false;
    bool m_closed = false;
    QTimer m_idleTimer; // no open stream for this long: GOAWAY and close
};

} // namespace rag::net
