#include "net/http2_stream.h"

#include "net/http2_connection.h"
#include "net/connection_support.h"

#include <nghttp2/nghttp2.h>

#include <cstring>

namespace rag::net {

Http2Stream::Http2Stream(Http2Connection *connection, int32_t id)
    : HttpResponder(connection), m_connection(connection), m_id(id)
{
}

bool Http2Stream::isOpen() const
{
    return m_state == State::Waiting || m_state == State::Streaming;
}

void Http2Stream::submit(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders, bool withBody)
{
    m_connection->submitResponse(this, status, contentType, extraHeaders, withBody);
}

void Http2Stream::respond(int status, const QByteArray &contentType, const QByteArray &body,
                          const HttpHeaders &extraHeaders)
{
    if (m_state != State::Waiting) {
        qCWarning(lcNet) << "respond() ignored: no request is waiting for an answer";
        return;
    }
    const bool withBody = !body.isEmpty() && request.method != "HEAD";
    m_state = State::Done;
    m_pending = withBody ? body : QByteArray();
    m_bodyEnded = true;
    submit(status, contentType, extraHeaders, withBody);
}

void Http2Stream::beginStream(int status, const QByteArray &contentType, const HttpHeaders &extraHeaders)
{
    if (m_state != State::Waiting) {
        qCWarning(lcNet) << "beginStream() ignored: no request is waiting for an answer";
        return;
    }
    m_state = State::Streaming;
    submit(status, contentType, extraHeaders, true);
}

void Http2Stream::writeChunk(const QByteArray &bytes)
{
    if (m_state != State::Streaming || bytes.isEmpty())
        return;
    if (m_pendingRead == m_pending.size()) {
        m_pending = bytes; // the common case: the previous chunk is out, no copy
        m_pendingRead = 0;
    } else {
        m_pending.append(bytes);
    }
    m_connection->resumeBody(this);
}

void Http2Stream::endStream()
{
    if (m_state != State::Streaming)
        return;
    m_state = State::Done;
    m_bodyEnded = true;
    m_connection->resumeBody(this);
}

void Http2Stream::abortConnection()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Done;
    m_connection->resetStream(this);
}

ssize_t Http2Stream::readBody(uint8_t *buffer, size_t length, uint32_t *flags)
{
    const size_t available = size_t(m_pending.size() - m_pendingRead);
    const size_t n = std::min(length, available);
    if (n > 0) {
        std::memcpy(buffer, m_pending.constData() + m_pendingRead, n);
        m_pendingRead += qsizetype(n);
    }
    if (m_pendingRead == m_pending.size()) {
        m_pending.clear();
        m_pendingRead = 0;
        if (m_bodyEnded)
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        else if (n == 0)
            return NGHTTP2_ERR_DEFERRED; // resumed by the next writeChunk() or endStream()
    }
    return ssize_t(n);
}

void Http2Stream::markClosed()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    requestTimer.stop();
    emit closed();
    deleteLater();
}

} // namespace rag::net
