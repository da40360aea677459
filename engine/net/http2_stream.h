// One request/response exchange of an HTTP/2 connection (private to ragdesk_net): collects the
// request's headers and body as nghttp2 delivers them, and is the HttpResponder the handler
// answers through. A streamed body is buffered here and pulled by nghttp2 as flow control allows.
#pragma once

#include "net/http_server.h"

#include <QByteArray>
#include <QTimer>

#include <cstdint>
#include <sys/types.h>

namespace rag::net {

class Http2Connection;

class Http2Stream final : public HttpResponder {
    Q_OBJECT
public:
    Http2Stream(Http2Connection *connection, int32_t id);

    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 const HttpHeaders &extraHeaders = {}) override;
    void beginStream(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders = {}) override;
    void writeChunk(const QByteArray &bytes) override;
    void endStream() override;
    // HTTP/2 resets this stream only (RST_STREAM): the connection's other exchanges go on.
    void abortConnection() override;
    bool isOpen() const override;
    void closeAfterResponse() override {}

    int32_t id() const { return m_id; }
    bool answered() const { return m_state != State::Waiting; }

    // Filled by the connection while the request arrives.
    HttpRequest request;
    qsizetype headerBytes = 0;
    int failStatus = 0; // the request broke a limit: answered with this status instead
    bool dispatched = false;
    QTimer requestTimer; // from its headers to its last byte: past it, 408

    // nghttp2's data source: copies what is buffered, defers when the stream waits for more.
    ssize_t readBody(uint8_t *buffer, size_t length, uint32_t *flags);
    // The stream is over (completed, reset by either side, or the connection is gone).
    void markClosed();

private:
    enum class State { Waiting, Streaming, Done, Closed };

    void submit(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders, bool withBody);

    Http2Connection *m_connection;
    int32_t m_id;
    State m_state = State::Waiting;
    QByteArray m_pending;       // body bytes not yet taken by nghttp2
    qsizetype m_pendingRead = 0; // of m_pending, how many were taken
    bool m_bodyEnded = false;
};

} // namespace rag::net
