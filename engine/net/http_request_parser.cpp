#include "net/http_request_parser.h"

#include <utility>

namespace rag::net {

// http-parser calls plain C functions with the parser; `data` points back at us.
struct HttpRequestParser::Callbacks {
    static HttpRequestParser *self(http_parser *parser) { return static_cast<HttpRequestParser *>(parser->data); }

    static int onMessageBegin(http_parser *parser)
    {
        HttpRequestParser *p = self(parser);
        p->m_request = HttpRequest{};
        p->m_url.clear();
        p->m_headerBytes = 0;
        p->m_inHeaderField = false;
        p->m_headersDone = false;
        p->m_began = true;
        return 0;
    }

    static int onUrl(http_parser *parser, const char *at, size_t length)
    {
        HttpRequestParser *p = self(parser);
        p->m_url.append(at, qsizetype(length));
        return p->addHeaderBytes(length) ? 0 : -1;
    }

    static int onHeaderField(http_parser *parser, const char *at, size_t length)
    {
        HttpRequestParser *p = self(parser);
        if (p->m_headersDone)
            return 0; // a chunked body's trailer: not a header of the request, which was read already
        const bool newField = !p->m_inHeaderField; // a field may arrive in pieces; a new one follows a value
        if (newField) {
            p->m_request.headers.emplaceBack();
            p->m_inHeaderField = true;
        }
        p->m_request.headers.last().first.append(at, qsizetype(length));
        // ": " and CRLF count too, once per header however many reads its name is cut across.
        return p->addHeaderBytes(length + (newField ? 4 : 0)) ? 0 : -1;
    }

    static int onHeaderValue(http_parser *parser, const char *at, size_t length)
    {
        HttpRequestParser *p = self(parser);
        if (p->m_headersDone)
            return 0;
        p->m_inHeaderField = false;
        if (p->m_request.headers.isEmpty())
            return -1;
        p->m_request.headers.last().second.append(at, qsizetype(length));
        return p->addHeaderBytes(length) ? 0 : -1;
    }

    static int onHeadersComplete(http_parser *parser)
    {
        HttpRequestParser *p = self(parser);
        HttpRequest &r = p->m_request;
        p->m_headersDone = true;
        for (auto &[name, value] : r.headers) {
            name = name.toLower();
            value = value.trimmed();
        }
        r.method = http_method_str(http_method(parser->method));
        http_parser_url url;
        http_parser_url_init(&url);
        if (http_parser_parse_url(p->m_url.constData(), size_t(p->m_url.size()), parser->method == HTTP_CONNECT, &url) != 0)
            return -1; // reported as a malformed request
        if (url.field_set & (1 << UF_PATH))
            r.path = QByteArray::fromPercentEncoding(p->m_url.mid(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len));
        if (r.path.isEmpty())
            r.path = "/";
        if (url.field_set & (1 << UF_QUERY))
            r.query = p->m_url.mid(url.field_data[UF_QUERY].off, url.field_data[UF_QUERY].len);
        p->m_keepAlive = http_should_keep_alive(parser) != 0;
        p->m_http10 = parser->http_major == 1 && parser->http_minor == 0;
        p->m_isHead = parser->method == HTTP_HEAD;
        // content_length is ULLONG_MAX when absent; chunked bodies are checked as they arrive.
        if ((parser->flags & F_CONTENTLENGTH) && parser->content_length > quint64(p->m_limits.maxBodyBytes)) {
            p->m_failStatus = 413;
            return -1;
        }
        // curl and others wait for this before sending a large body.
        if (r.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0 && !p->m_http10)
            p->m_expectsContinue = true;
        return 0;
    }

    static int onBody(http_parser *parser, const char *at, size_t length)
    {
        HttpRequestParser *p = self(parser);
        if (p->m_request.body.size() + qsizetype(length) > p->m_limits.maxBodyBytes) {
            p->m_failStatus = 413;
            return -1;
        }
        p->m_request.body.append(at, qsizetype(length));
        return 0;
    }

    static int onMessageComplete(http_parser *parser)
    {
        // Stop right after this request: the bytes of a pipelined next one are left to the
        // caller until the response is out (one request at a time per connection).
        http_parser_pause(parser, 1);
        return 0;
    }

    static const http_parser_settings &settings()
    {
        static const http_parser_settings s = [] {
            http_parser_settings init;
            http_parser_settings_init(&init);
            init.on_message_begin = &onMessageBegin;
            init.on_url = &onUrl;
            init.on_header_field = &onHeaderField;
            init.on_header_value = &onHeaderValue;
            init.on_headers_complete = &onHeadersComplete;
            init.on_body = &onBody;
            init.on_message_complete = &onMessageComplete;
            return init;
        }();
        return s;
    }
};

HttpRequestParser::HttpRequestParser(const HttpServerLimits &limits) : m_limits(limits)
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
}

HttpRequestParser::Step HttpRequestParser::feed(QByteArrayView bytes)
{
    Step step;
    if (m_failStatus) {
        step.status = Status::Failed;
        return step;
    }
    if (bytes.isEmpty())
        return step; // no bytes would tell http-parser that the stream ended
    m_began = false;
    m_expectsContinue = false;
    const size_t parsed = http_parser_execute(&m_parser, &Callbacks::settings(), bytes.data(), size_t(bytes.size()));
    step.used = qsizetype(parsed);
    step.began = m_began;
    step.expectsContinue = m_expectsContinue;
    const http_errno error = HTTP_PARSER_ERRNO(&m_parser);
    if (error == HPE_PAUSED) {
        http_parser_pause(&m_parser, 0);
        if (m_parser.upgrade)
            m_keepAlive = false; // what follows is another protocol we do not speak
        step.status = Status::Complete;
    } else if (error != HPE_OK) {
        if (!m_failStatus)
            m_failStatus = error == HPE_HEADER_OVERFLOW ? 431 : 400;
        step.status = Status::Failed;
    }
    return step;
}

HttpRequest HttpRequestParser::takeRequest()
{
    return std::exchange(m_request, HttpRequest{});
}

const char *HttpRequestParser::errorName() const
{
    return http_errno_name(HTTP_PARSER_ERRNO(&m_parser));
}

bool HttpRequestParser::addHeaderBytes(size_t length)
{
    m_headerBytes += qsizetype(length);
    if (m_headerBytes <= m_limits.maxHeaderBytes)
        return true;
    m_failStatus = 431;
    return false;
}

} // namespace rag::net
