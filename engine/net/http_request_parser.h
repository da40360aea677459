// The HTTP/1.1 request parser of HttpConnection (private to ragdesk_net): Debian's http-parser
// under the server's limits, turning bytes into one HttpRequest at a time. It knows no socket, so
// what a client can send is tested on bytes alone (fuzz/fuzz_http_request.cpp).
#pragma once

#include "net/http_server.h"

#include <QByteArray>
#include <QByteArrayView>

#include <http_parser.h>

namespace rag::net {

class HttpRequestParser {
public:
    explicit HttpRequestParser(const HttpServerLimits &limits);
    // http-parser keeps a pointer back to its owner: not copied, not moved.
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    enum class Status {
        NeedMore, // every byte was used; the request under way (if any) is not whole yet
        Complete, // a request is whole (takeRequest()); the bytes after it were not used
        Failed,   // malformed or over a limit (failStatus()); the connection must close
    };
    struct Step {
        Status status = Status::NeedMore;
        qsizetype used = 0;           // bytes of the input parsed
        bool began = false;           // a request's first byte was among them
        bool expectsContinue = false; // an HTTP/1.1 request's headers asked for "100 Continue"
    };

    // Parses the next bytes. After Complete, call it again with the bytes it did not use (the
    // next pipelined request) once the response is out; after Failed, nothing more is parsed.
    Step feed(QByteArrayView bytes);

    // After Complete: the request (without its peer) and how to answer it.
    HttpRequest takeRequest();
    bool keepAlive() const { return m_keepAlive; } // false after an upgrade, whose bytes we do not speak
    bool http10() const { return m_http10; }
    bool isHead() const { return m_isHead; }
    // After Failed: 400 (malformed), 413 (body over the limit) or 431 (head over the limit).
    int failStatus() const { return m_failStatus; }
    const char *errorName() const; // http-parser's name for what went wrong, for the log

private:
    struct Callbacks; // the http-parser callbacks (static functions with access to members)
    friend struct Callbacks;

    bool addHeaderBytes(size_t length); // false (and 431) when over the limit

    HttpServerLimits m_limits;
    http_parser m_parser{};
    HttpRequest m_request;
    QByteArray m_url;
    qsizetype m_headerBytes = 0;
    bool m_inHeaderField = false;
    bool m_headersDone = false; // what follows is a chunked body's trailer
    bool m_keepAlive = true;
    bool m_http10 = false;
    bool m_isHead = false;
    int m_failStatus = 0;
    bool m_began = false;           // during feed(): a message began
    bool m_expectsContinue = false; // during feed(): headers asked for 100 Continue
};

} // namespace rag::net
