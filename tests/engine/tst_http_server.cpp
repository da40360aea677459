// HttpServer over real loopback sockets: raw QTcpSocket clients for byte-exact requests (pipelining,
// chunked bodies, limits, resets) and QNetworkAccessManager for what Qt's own client sees.
#include "net/http_server.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using rag::net::HttpHeaders;
using rag::net::HttpRequest;
using rag::net::HttpResponder;
using rag::net::HttpServer;
using rag::net::HttpServerLimits;

namespace {

struct ParsedResponse {
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers) {
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        }
        return {};
    }
};

// Complete responses at the front of `data` (Content-Length, chunked, or - with eof - close
// delimited). A deliberately small parser: the server's framing is what is under test.
QList<ParsedResponse> parseResponses(QByteArray data, bool eof)
{
    QList<ParsedResponse> out;
    while (true) {
        const qsizetype headEnd = data.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return out;
        const QList<QByteArray> lines = data.left(headEnd).split('\n');
        ParsedResponse r;
        r.status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        qsizetype at = headEnd + 4;
        if (r.status == 100) {
            data.remove(0, at);
            continue;
        }
        if (!r.header("content-length").isEmpty()) {
            const qsizetype length = r.header("content-length").toLongLong();
            if (data.size() < at + length)
                return out;
            r.body = data.mid(at, length);
            at += length;
        } else if (r.header("transfer-encoding") == "chunked") {
            while (true) {
                const qsizetype lineEnd = data.indexOf("\r\n", at);
                if (lineEnd < 0)
                    return out;
                const qsizetype size = data.mid(at, lineEnd - at).toLongLong(nullptr, 16);
                if (data.size() < lineEnd + 2 + size + 2)
                    return out;
                r.body += data.mid(lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
                if (size == 0)
                    break;
            }
        } else if (eof) {
            r.body = data.mid(at);
            at = data.size();
        } else {
            return out;
        }
        out.append(r);
        data.remove(0, at);
    }
}

// A raw client: sends bytes as given, collects everything the server sends.
class RawClient : public QObject {
public:
    explicit RawClient(quint16 port, QObject *parent = nullptr) : QObject(parent)
    {
        connect(&socket, &QTcpSocket::connected, this, [this] {
            connected = true;
            socket.write(pending);
            pending.clear();
        });
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { disconnected = true; });
        connect(&socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) { error = e; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void send(const QByteArray &bytes)
    {
        if (connected)
            socket.write(bytes);
        else
            pending += bytes;
    }
    QList<ParsedResponse> responses() const { return parseResponses(received, disconnected); }

    QTcpSocket socket;
    QByteArray pending;
    QByteArray received;
    bool connected = false;
    bool disconnected = false;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
};

// Answers with "METHOD PATH?QUERY\n" followed by the request body.
void echo(const HttpRequest &request, HttpResponder *responder)
{
    responder->respond(200, "text/plain", request.method + ' ' + request.path + '?' + request.query + '\n' + request.body,
                       {{"X-Echo-Header", request.header("x-test")}});
}

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

} // namespace

class TestHttpServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void getAndPostWithBodies()
    {
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(server.port());

        QNetworkRequest getRequest(QUrl(base + QStringLiteral("/some%20path?x=1&y=2")));
        getRequest.setRawHeader("X-Test", "hello");
        std::unique_ptr<QNetworkReply> reply(nam.get(getRequest));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), QByteArray("GET /some path?x=1&y=2\n"));
        QCOMPARE(reply->rawHeader("X-Echo-Header"), QByteArray("hello"));

        QByteArray big(200 * 1024, 'b');
        for (qsizetype i = 0; i < big.size(); i += 997)
            big[i] = char('a' + i % 26);
        QNetworkRequest postRequest(QUrl(base + QStringLiteral("/upload")));
        postRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/octet-stream"));
        reply.reset(nam.post(postRequest, big));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll(), "POST /upload?\n" + big);
    }

    void keepAliveServesSeveralRequestsOnOneConnection()
    {
        QList<HttpResponder *> responders;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            responders.append(responder);
            echo(request, responder);
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        for (int i = 1; i <= 3; ++i) {
            client.send(get("/r" + QByteArray::number(i)));
            QTRY_COMPARE(client.responses().size(), i);
            QCOMPARE(client.responses().last().body, "GET /r" + QByteArray::number(i) + "?\n");
            QVERIFY(client.responses().last().header("connection").isEmpty()); // HTTP/1.1 default
        }
        QVERIFY(!client.disconnected);
        QCOMPARE(server.openConnections(), 1);
        QCOMPARE(responders.size(), 3);
        QCOMPARE(responders.at(2), responders.at(0)); // the same connection answered all three
    }

    void pipelinedRequestsAreHandledOneAtATime()
    {
        int pending = 0;
        int maxPending = 0;
        QByteArrayList order;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            order.append(request.path);
            maxPending = std::max(maxPending, ++pending);
            // Answer later: the next pipelined request must wait for this response.
            QTimer::singleShot(20, responder, [&pending, responder, body = request.body] {
                --pending;
                responder->respond(200, "text/plain", body);
            });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nonePOST /b HTTP/1.1\r\nHost: x\r\n"
                    "Content-Length: 3\r\n\r\ntwo" + get("/c"));
        QTRY_COMPARE(client.responses().size(), 3);
        QCOMPARE(client.responses().at(0).body, QByteArray("one"));
        QCOMPARE(client.responses().at(1).body, QByteArray("two"));
        QCOMPARE(client.responses().at(2).body, QByteArray());
        QCOMPARE(order, (QByteArrayList{"/a", "/b", "/c"}));
        QCOMPARE(maxPending, 1);
    }

    void connectionCloseAndHttp10AreHonoured()
    {
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());

        RawClient closing(server.port());
        closing.send(get("/bye", "Connection: close\r\n"));
        QTRY_VERIFY(closing.disconnected);
        QCOMPARE(closing.responses().size(), 1);
        QCOMPARE(closing.responses().first().header("connection"), QByteArray("close"));
        QCOMPARE(closing.responses().first().body, QByteArray("GET /bye?\n"));

        RawClient http10(server.port());
        http10.send("GET /old HTTP/1.0\r\n\r\n");
        QTRY_VERIFY(http10.disconnected);
        QCOMPARE(http10.responses().size(), 1);

        RawClient http10KeepAlive(server.port());
        http10KeepAlive.send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QTRY_COMPARE(http10KeepAlive.responses().size(), 1);
        QCOMPARE(http10KeepAlive.responses().first().header("connection"), QByteArray("keep-alive"));
        http10KeepAlive.send("GET /two HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QTRY_COMPARE(http10KeepAlive.responses().size(), 2);
        QVERIFY(!http10KeepAlive.disconnected);
    }

    void chunkedRequestBodyIsAssembled()
    {
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        QTRY_VERIFY(client.connected);
        QTest::qWait(0); // the first piece usually arrives alone, so the body is parsed across reads
        client.send("7;ext=1\r\n, world\r\n");
        client.send("0\r\nX-Trailer: t\r\n\r\n");
        QTRY_COMPARE(client.responses().size(), 1);
        QCOMPARE(client.responses().first().body, QByteArray("POST /chunked?\nhello, world"));
    }

    void streamedResponseArrivesIncrementally()
    {
        QPointer<HttpResponder> stream;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
            responder->writeChunk("data: first\n\n");
            stream = responder; // the rest is sent when the test says so
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(
            nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/events").arg(server.port())))));
        QByteArray got;
        connect(reply.get(), &QNetworkReply::readyRead, this, [&] { got += reply->readAll(); });
        QTRY_COMPARE(got, QByteArray("data: first\n\n"));
        QVERIFY(!reply->isFinished());
        QVERIFY(stream);
        stream->writeChunk("data: second\n\n");
        QTRY_COMPARE(got, QByteArray("data: first\n\ndata: second\n\n"));
        QVERIFY(!reply->isFinished());
        stream->endStream();
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("text/event-stream"));
        QCOMPARE(got + reply->readAll(), QByteArray("data: first\n\ndata: second\n\n"));
    }

    void http10StreamIsCloseDelimited()
    {
        HttpServer server([](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200, "text/plain");
            responder->writeChunk("a");
            responder->writeChunk("b");
            responder->endStream();
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send("GET / HTTP/1.0\r\n\r\n");
        QTRY_VERIFY(client.disconnected);
        QCOMPARE(client.responses().size(), 1);
        QVERIFY(client.responses().first().header("transfer-encoding").isEmpty());
        QCOMPARE(client.responses().first().body, QByteArray("ab"));
    }

    void oversizedHeaderGets431()
    {
        HttpServerLimits limits;
        limits.maxHeaderBytes = 1024;
        int handled = 0;
        HttpServer server([&](const HttpRequest &r, HttpResponder *p) { ++handled; echo(r, p); }, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient small(server.port());
        small.send(get("/ok", "X-Fill: " + QByteArray(500, 'x') + "\r\n"));
        QTRY_COMPARE(small.responses().size(), 1);
        QCOMPARE(small.responses().first().status, 200);

        RawClient big(server.port());
        big.send(get("/big", "X-Fill: " + QByteArray(4000, 'x') + "\r\n"));
        QTRY_VERIFY(big.disconnected);
        QCOMPARE(big.responses().size(), 1);
        QCOMPARE(big.responses().first().status, 431);
        QCOMPARE(handled, 1);
    }

    void oversizedBodyGets413AndClose()
    {
        HttpServerLimits limits;
        limits.maxBodyBytes = 1024;
        int handled = 0;
        HttpServer server([&](const HttpRequest &r, HttpResponder *p) { ++handled; echo(r, p); }, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());

        RawClient declared(server.port());
        declared.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + QByteArray(100000, 'z'));
        QTRY_VERIFY(declared.disconnected);
        QCOMPARE(declared.responses().size(), 1);
        QCOMPARE(declared.responses().first().status, 413);
        QCOMPARE(declared.responses().first().header("connection"), QByteArray("close"));

        RawClient chunked(server.port());
        chunked.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + QByteArray(1024, 'y')
                     + "\r\n1\r\ny\r\n0\r\n\r\n");
        QTRY_VERIFY(chunked.disconnected);
        QCOMPARE(chunked.responses().size(), 1);
        QCOMPARE(chunked.responses().first().status, 413);

        RawClient exact(server.port()); // exactly at the limit is fine
        exact.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + QByteArray(1024, 'q'));
        QTRY_COMPARE(exact.responses().size(), 1);
        QCOMPARE(exact.responses().first().status, 200);
        QCOMPARE(handled, 1);
    }

    void malformedRequestGets400AndClose_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("garbage") << QByteArray("THIS IS NOT HTTP\r\n\r\n");
        QTest::newRow("bad version") << QByteArray("GET / HTTP/9.x\r\n\r\n");
        QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("bad content length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n");
        QTest::newRow("after a good one") << QByteArray(get("/fine") + "BROKEN\r\n\r\n");
    }

    void malformedRequestGets400AndClose()
    {
        QFETCH(QByteArray, request);
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send(request);
        QTRY_VERIFY(client.disconnected);
        QVERIFY(!client.responses().isEmpty());
        QCOMPARE(client.responses().last().status, 400);
        QCOMPARE(client.responses().last().header("connection"), QByteArray("close"));
        QTRY_COMPARE(server.openConnections(), 0);
    }

    void abortConnectionLooksLikeAResetToTheClient()
    {
        int handled = 0;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            ++handled;
            responder->abortConnection();
            QVERIFY(!responder->isOpen());
            responder->respond(200, "text/plain", "too late"); // ignored, no crash
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send(get("/reset"));
        QTRY_VERIFY(client.disconnected);
        QCOMPARE(client.error, QAbstractSocket::RemoteHostClosedError);
        QVERIFY(client.received.isEmpty());
        QCOMPARE(handled, 1);

        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(
            nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/reset").arg(server.port())))));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::RemoteHostClosedError);
    }

    void clientLeavingMidStreamEmitsClosed()
    {
        QPointer<HttpResponder> stream;
        bool closedSeen = false;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            stream = responder;
            connect(responder, &HttpResponder::closed, this, [&] {
                closedSeen = true;
                stream->writeChunk("after close"); // ignored: the connection is gone
            });
            responder->beginStream(200, "text/plain");
            responder->writeChunk("tick");
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        {
            RawClient client(server.port());
            client.send(get("/stream"));
            QTRY_VERIFY(client.received.contains("tick"));
            QVERIFY(stream && stream->isOpen());
        } // the client goes away mid-stream
        QTRY_VERIFY(closedSeen);
        QTRY_VERIFY(stream.isNull()); // the responder is deleted after closed()
        QCOMPARE(server.openConnections(), 0);
    }

    void answeringAfterTheClientLeftIsHarmless()
    {
        bool closedSeen = false;
        bool timerFired = false;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            connect(responder, &HttpResponder::closed, this, [&] { closedSeen = true; });
            QTimer::singleShot(100, this, [&timerFired, guard = QPointer<HttpResponder>(responder)] {
                timerFired = true;
                if (guard)
                    guard->respond(200, "text/plain", "late");
            });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        auto client = std::make_unique<RawClient>(server.port());
        client->send(get("/slow"));
        QTRY_COMPARE(server.openConnections(), 1);
        QTRY_VERIFY(client->connected);
        client.reset(); // the client leaves before the answer
        QTRY_VERIFY(closedSeen);
        QTRY_VERIFY(timerFired);
        QCOMPARE(server.openConnections(), 0);
    }

    void idleKeepAliveConnectionIsClosed()
    {
        HttpServerLimits limits;
        limits.idleTimeoutMs = 150;
        HttpServer server(echo, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send(get("/once"));
        QTRY_COMPARE(client.responses().size(), 1);
        QTRY_VERIFY(client.disconnected);
        QTRY_COMPARE(server.openConnections(), 0);
    }

    // A client that sends its request a byte at a time is not idle, but it may not hold the
    // connection for longer than the request timeout either (slowloris).
    void requestStillArrivingAfterTheTimeoutGets408()
    {
        HttpServerLimits limits;
        limits.requestTimeoutMs = 300;
        limits.idleTimeoutMs = 10'000;
        int handled = 0;
        HttpServer server([&](const HttpRequest &r, HttpResponder *p) { ++handled; echo(r, p); }, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient slow(server.port());
        slow.send("GET /slow HTTP/1.1\r\n");
        QTimer trickle;
        connect(&trickle, &QTimer::timeout, this, [&] { slow.send("X-A: b\r\n"); });
        trickle.start(50); // each byte well inside the idle timeout
        QTRY_VERIFY_WITH_TIMEOUT(slow.disconnected, 5000);
        trickle.stop();
        QCOMPARE(slow.responses().size(), 1);
        QCOMPARE(slow.responses().first().status, 408);
        QCOMPARE(handled, 0);

        // Requests that arrive whole are timed one by one: a keep-alive connection outlives it.
        RawClient steady(server.port());
        steady.send(get("/one"));
        QTRY_COMPARE(steady.responses().size(), 1);
        QTest::qWait(400);
        steady.send(get("/two"));
        QTRY_COMPARE(steady.responses().size(), 2);
        QCOMPARE(steady.responses().at(1).status, 200);
        QVERIFY(!steady.disconnected);
    }

    void closeAfterResponseEndsTheConnectionWithTheStream()
    {
        HttpServer server([](const HttpRequest &, HttpResponder *responder) {
            responder->closeAfterResponse();
            responder->beginStream(200, "text/event-stream");
            responder->writeChunk("data: one\n\n");
            responder->endStream();
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient client(server.port());
        client.send(get("/stream"));
        QTRY_VERIFY(client.disconnected);
        QCOMPARE(client.responses().size(), 1);
        QCOMPARE(client.responses().first().header("connection"), QByteArray("close"));
        QCOMPARE(client.responses().first().body, QByteArray("data: one\n\n"));
    }

    void connectionsOverTheLimitAreRefused()
    {
        HttpServerLimits limits;
        limits.maxConnections = 2;
        HttpServer server(echo, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient first(server.port());
        RawClient second(server.port());
        QTRY_COMPARE(server.openConnections(), 2);
        RawClient third(server.port());
        third.send(get("/three"));
        QTRY_VERIFY(third.disconnected);
        QVERIFY(third.received.isEmpty());
        first.send(get("/one"));
        QTRY_COMPARE(first.responses().size(), 1);
        QCOMPARE(server.openConnections(), 2);
    }

    void threeHundredConcurrentConnectionsAreAllAnswered()
    {
        int pending = 0;
        int peakPending = 0;
        int handled = 0;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            ++handled;
            peakPending = std::max(peakPending, ++pending);
            QTimer::singleShot(100, responder, [&pending, responder, path = request.path] {
                --pending;
                responder->respond(200, "text/plain", path);
            });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        constexpr int kClients = 300;
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.push_back(std::make_unique<RawClient>(server.port()));
            clients.back()->send(get("/c" + QByteArray::number(i)));
        }
        const auto answered = [&] {
            int n = 0;
            for (int i = 0; i < kClients; ++i) {
                const auto responses = clients[size_t(i)]->responses();
                n += responses.size() == 1 && responses.first().status == 200
                     && responses.first().body == "/c" + QByteArray::number(i);
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), kClients, 30000);
        QCOMPARE(handled, kClients);
        QVERIFY2(peakPending > 1, "requests were served one after another, not concurrently");
        for (const auto &client : clients)
            QVERIFY(!client->disconnected); // none was dropped or refused
    }

    void closeDropsEveryConnection()
    {
        int closedCount = 0;
        int handled = 0;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            ++handled; // and never answered
            connect(responder, &HttpResponder::closed, this, [&] { ++closedCount; });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        RawClient a(server.port());
        RawClient b(server.port());
        a.send(get("/hang"));
        b.send(get("/hang"));
        QTRY_COMPARE(handled, 2);
        server.close();
        QCOMPARE(closedCount, 2);
        QCOMPARE(server.openConnections(), 0);
        QTRY_VERIFY(a.disconnected && b.disconnected);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_http_server.moc"
