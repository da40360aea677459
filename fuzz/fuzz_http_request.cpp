// The HTTP/1.1 request parser behind serve and the simulator (net/http_request_parser), fed the
// way HttpConnection feeds it: what arrives is appended to what was not parsed, requests are taken
// one at a time, and the connection closes after a failure or a response that ends it.
// Input: a byte choosing the limits (small, so that 413 and 431 are reachable), a byte choosing
// how the bytes arrive, then the bytes. Whole or in pieces, the same requests must come out.
#include "fuzz_support.h"

#include "net/http_request_parser.h"

using rag::net::HttpRequest;
using rag::net::HttpRequestParser;
using rag::net::HttpServerLimits;

namespace {

struct Parsed {
    QList<HttpRequest> requests;
    QList<int> flags; // keepAlive | http10 << 1 | isHead << 2 | expectsContinue << 3, per request
    int failStatus = 0;
    bool closed = false; // a request that ends the connection was taken
};

void checkRequest(const HttpRequest &request, const HttpServerLimits &limits)
{
    FUZZ_CHECK(!request.method.isEmpty());
    FUZZ_CHECK(!request.path.isEmpty());
    FUZZ_CHECK(request.body.size() <= limits.maxBodyBytes);
    qsizetype headerBytes = 0;
    for (const auto &[name, value] : request.headers) {
        FUZZ_CHECK(name == name.toLower());
        FUZZ_CHECK(value == value.trimmed());
        headerBytes += name.size() + value.size();
    }
    FUZZ_CHECK(headerBytes <= limits.maxHeaderBytes);
}

Parsed parse(const QList<QByteArrayView> &pieces, const HttpServerLimits &limits)
{
    HttpRequestParser parser(limits);
    Parsed out;
    QByteArray input; // HttpConnection's m_input: received, not parsed yet
    bool expectsContinue = false;
    for (QByteArrayView piece : pieces) {
        input += piece;
        while (!input.isEmpty()) {
            const HttpRequestParser::Step step = parser.feed(input);
            FUZZ_CHECK(step.used >= 0 && step.used <= input.size());
            input.remove(0, step.used);
            expectsContinue = expectsContinue || step.expectsContinue;
            if (step.status == HttpRequestParser::Status::Failed) {
                out.failStatus = parser.failStatus();
                FUZZ_CHECK(out.failStatus == 400 || out.failStatus == 413 || out.failStatus == 431);
                FUZZ_CHECK(parser.feed("GET / HTTP/1.1\r\n\r\n").status == HttpRequestParser::Status::Failed);
                return out;
            }
            if (step.status == HttpRequestParser::Status::NeedMore) {
                FUZZ_CHECK(input.isEmpty()); // everything was used
                break;
            }
            const HttpRequest request = parser.takeRequest();
            checkRequest(request, limits);
            out.requests.append(request);
            out.flags.append(int(parser.keepAlive()) | int(parser.http10()) << 1 | int(parser.isHead()) << 2
                             | int(expectsContinue) << 3);
            expectsContinue = false;
            if (!parser.keepAlive()) {
                out.closed = true;
                return out;
            }
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    HttpServerLimits limits;
    limits.maxHeaderBytes = 64 << (data[0] & 3);      // 64 .. 512
    limits.maxBodyBytes = 16 << ((data[0] >> 2) & 3); // 16 .. 128
    const QByteArrayView bytes(data + 2, qsizetype(size - 2));
    const Parsed whole = parse({bytes}, limits);
    const Parsed split = parse(rag::fuzz::cutInPieces(bytes, data[1]), limits);

    // The same request fails either way, though not always with the same status: http-parser
    // hands over a value when it ends or when the bytes run out, so a value still arriving may
    // pass the header limit (431) before its bad byte is seen (400).
    FUZZ_CHECK((whole.failStatus == 0) == (split.failStatus == 0));
    FUZZ_CHECK(whole.closed == split.closed);
    FUZZ_CHECK(whole.flags == split.flags);
    FUZZ_CHECK(whole.requests.size() == split.requests.size());
    for (qsizetype i = 0; i < whole.requests.size(); ++i) {
        const HttpRequest &a = whole.requests.at(i);
        const HttpRequest &b = split.requests.at(i);
        FUZZ_CHECK(a.method == b.method);
        FUZZ_CHECK(a.path == b.path);
        FUZZ_CHECK(a.query == b.query);
        FUZZ_CHECK(a.headers == b.headers);
        FUZZ_CHECK(a.body == b.body);
    }
    return 0;
}
