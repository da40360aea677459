// HttpServer over HTTP/2 in clear text (h2c with prior knowledge), driven by Qt's own HTTP/2
// client (what ragdesk's provider clients use with --http2) and by raw bytes for the preface.
#include "net/http_server.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <stdexcept>
#include <vector>

using rag::net::HttpRequest;
using rag::net::HttpResponder;
using rag::net::HttpServer;
using rag::net::HttpServerLimits;

namespace {

constexpr QByteArrayView kPreface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

void echo(const HttpRequest &request, HttpResponder *responder)
{
    responder->respond(200, "text/plain",
                       request.method + ' ' + request.path + '?' + request.query + ' ' + request.header("host") + '\n'
                           + request.body,
                       {{"X-Echo-Header", request.header("x-test")}, {"Connection", "close"}});
}

QNetworkRequest h2Request(const HttpServer &server, const QString &path)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(path)));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    request.setAttribute(QNetworkRequest::Http2DirectAttribute, true);
    return request;
}

using Reply = std::unique_ptr<QNetworkReply>;

// A request body that starts and never ends: what a slow or stuck client sends.
class StalledBody : public QIODevice {
public:
    StalledBody() { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    bool atEnd() const override { return false; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min<qint64>(maxSize, 10 - m_given);
        std::fill_n(data, n, 'z');
        m_given += n;
        return n; // 0 from now on: nothing more, and no end either
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_given = 0;
};

} // namespace

class TestHttp2Server : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void getAndPostWithBodies()
    {
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        QNetworkRequest getRequest = h2Request(server, QStringLiteral("/some%20path?x=1&y=2"));
        getRequest.setRawHeader("X-Test", "hello");
        Reply reply(nam.get(getRequest));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QVERIFY(reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), "GET /some path?x=1&y=2 127.0.0.1:" + QByteArray::number(server.port()) + '\n');
        QCOMPARE(reply->rawHeader("X-Echo-Header"), QByteArray("hello"));
        QVERIFY(!reply->hasRawHeader("Connection")); // forbidden in HTTP/2: dropped

        // Larger than nghttp2's default window of 64 KiB, so flow control must move.
        QByteArray big(3 * 1024 * 1024, 'b');
        for (qsizetype i = 0; i < big.size(); i += 997)
            big[i] = char('a' + i % 26);
        QNetworkRequest postRequest = h2Request(server, QStringLiteral("/upload"));
        postRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/octet-stream"));
        reply.reset(nam.post(postRequest, big));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll(), "POST /upload? 127.0.0.1:" + QByteArray::number(server.port()) + '\n' + big);
        QCOMPARE(server.openConnections(), 1); // both on one connection
    }

    void concurrentRequestsShareOneConnection()
    {
        int pending = 0;
        int peakPending = 0;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            peakPending = std::max(peakPending, ++pending);
            QTimer::singleShot(200, responder, [&pending, responder, path = request.path] {
                --pending;
                responder->respond(200, "text/plain", path);
            });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        constexpr int kRequests = 90; // Qt multiplexes up to 100 streams on a connection
        std::vector<Reply> replies;
        for (int i = 0; i < kRequests; ++i)
            replies.emplace_back(nam.get(h2Request(server, QStringLiteral("/r%1").arg(i))));
        for (int i = 0; i < kRequests; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(replies[size_t(i)]->isFinished(), 20000);
            QCOMPARE(replies[size_t(i)]->error(), QNetworkReply::NoError);
            QCOMPARE(replies[size_t(i)]->readAll(), "/r" + QByteArray::number(i));
        }
        QCOMPARE(server.openConnections(), 1);
        QVERIFY2(peakPending > kRequests / 2, "requests were not multiplexed");
    }

    void streamedResponseArrivesIncrementally()
    {
        QPointer<HttpResponder> stream;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
            responder->writeChunk("data: first\n\n");
            stream = responder;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply reply(nam.get(h2Request(server, QStringLiteral("/events"))));
        QByteArray got;
        connect(reply.get(), &QNetworkReply::readyRead, this, [&] { got += reply->readAll(); });
        QTRY_COMPARE(got, QByteArray("data: first\n\n"));
        QVERIFY(!reply->isFinished());
        stream->writeChunk("data: second\n\n");
        QTRY_COMPARE(got, QByteArray("data: first\n\ndata: second\n\n"));
        QVERIFY(!reply->isFinished());
        stream->endStream();
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("text/event-stream"));
        QCOMPARE(reply->rawHeader("Cache-Control"), QByteArray("no-cache"));
        QCOMPARE(got + reply->readAll(), QByteArray("data: first\n\ndata: second\n\n"));
        QTRY_VERIFY(stream.isNull()); // the stream's responder is gone once the stream closed
    }

    void abortResetsOnlyThatStream()
    {
        QPointer<HttpResponder> slow;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            if (request.path == "/reset") {
                responder->abortConnection();
                QVERIFY(!responder->isOpen());
                responder->respond(200, "text/plain", "too late"); // ignored, no crash
                return;
            }
            slow = responder; // answered after the reset one failed
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply kept(nam.get(h2Request(server, QStringLiteral("/kept"))));
        QTRY_VERIFY(slow);
        Reply reset(nam.get(h2Request(server, QStringLiteral("/reset"))));
        QTRY_VERIFY(reset->isFinished());
        QVERIFY(reset->error() != QNetworkReply::NoError);
        QVERIFY(!kept->isFinished());
        slow->respond(200, "text/plain", "still here");
        QTRY_VERIFY(kept->isFinished());
        QCOMPARE(kept->error(), QNetworkReply::NoError);
        QCOMPARE(kept->readAll(), QByteArray("still here"));
        QCOMPARE(server.openConnections(), 1);
    }

    void clientCancellingAStreamEmitsClosed()
    {
        QPointer<HttpResponder> stream;
        bool closedSeen = false;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            stream = responder;
            connect(responder, &HttpResponder::closed, this, [&] {
                closedSeen = true;
                stream->writeChunk("after close"); // ignored: the stream is gone
            });
            responder->beginStream(200, "text/plain");
            responder->writeChunk("tick");
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply reply(nam.get(h2Request(server, QStringLiteral("/stream"))));
        QTRY_VERIFY(reply->bytesAvailable() > 0);
        QVERIFY(stream && stream->isOpen());
        reply->abort();
        QTRY_VERIFY(closedSeen);
        QTRY_VERIFY(stream.isNull());
        QCOMPARE(server.openConnections(), 1); // the connection stays for the next call
    }

    void limitsAnswer431And413()
    {
        HttpServerLimits limits;
        limits.maxHeaderBytes = 4096;
        limits.maxBodyBytes = 100 * 1024;
        int handled = 0;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            ++handled;
            echo(request, responder);
        }, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        QNetworkRequest bigHeader = h2Request(server, QStringLiteral("/h"));
        bigHeader.setRawHeader("X-Big", QByteArray(8000, 'x'));
        Reply reply(nam.get(bigHeader));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 431);
        reply.reset(nam.post(h2Request(server, QStringLiteral("/b")), QByteArray(300 * 1024, 'y')));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 413);
        QCOMPARE(handled, 0);
        reply.reset(nam.post(h2Request(server, QStringLiteral("/ok")), QByteArray("fine")));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(handled, 1);
    }

    void aRequestThatNeverCompletesGets408AndItsNeighboursGoOn()
    {
        HttpServerLimits limits;
        limits.requestTimeoutMs = 300;
        int handled = 0;
        HttpServer server([&](const HttpRequest &request, HttpResponder *responder) {
            ++handled;
            echo(request, responder);
        }, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        StalledBody body;
        QNetworkRequest stalledRequest = h2Request(server, QStringLiteral("/stalled"));
        stalledRequest.setHeader(QNetworkRequest::ContentLengthHeader, 1000);
        stalledRequest.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true); // send what there is
        Reply stalled(nam.post(stalledRequest, &body));
        // A neighbour on the same connection is answered meanwhile.
        Reply neighbour(nam.post(h2Request(server, QStringLiteral("/ok")), QByteArray("fine")));
        QTRY_VERIFY(neighbour->isFinished());
        QCOMPARE(neighbour->error(), QNetworkReply::NoError);
        QTRY_COMPARE_WITH_TIMEOUT(stalled->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 408, 5000);
        QCOMPARE(handled, 1); // the handler never saw the stalled request
        QCOMPARE(server.openConnections(), 1);
    }

    void handlerExceptionBecomes500()
    {
        HttpServer server([](const HttpRequest &, HttpResponder *) { throw std::runtime_error("boom"); });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply reply(nam.get(h2Request(server, QStringLiteral("/x"))));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 500);
    }

    void prefaceInPiecesThenGarbageClosesTheConnection()
    {
        HttpServer server(echo);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(kPreface.first(5).toByteArray()); // "PRI *": could still be either protocol
        QVERIFY(socket.waitForBytesWritten(5000));
        QTRY_COMPARE(server.openConnections(), 1);
        socket.write(kPreface.sliced(5).toByteArray());
        // Our SETTINGS (9-byte frame header, type 4) comes first, not an HTTP/1.1 status line.
        QTRY_VERIFY(received.size() >= 9);
        QCOMPARE(int(received.at(3)), 4);
        socket.write(QByteArray(64, '\xff')); // not a frame
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(received.contains(char(7))); // a GOAWAY frame type byte was sent before closing
        QTRY_COMPARE(server.openConnections(), 0);
    }

    void idleConnectionIsClosed()
    {
        HttpServerLimits limits;
        limits.idleTimeoutMs = 150;
        HttpServer server(echo, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply reply(nam.get(h2Request(server, QStringLiteral("/once"))));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(server.openConnections(), 1);
        QTRY_COMPARE(server.openConnections(), 0);
    }

    void closeDropsEveryStream()
    {
        int closedCount = 0;
        int handled = 0;
        HttpServer server([&](const HttpRequest &, HttpResponder *responder) {
            ++handled; // and never answered
            connect(responder, &HttpResponder::closed, this, [&] { ++closedCount; });
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        Reply a(nam.get(h2Request(server, QStringLiteral("/hang"))));
        Reply b(nam.get(h2Request(server, QStringLiteral("/hang"))));
        QTRY_COMPARE(handled, 2);
        server.close();
        QCOMPARE(closedCount, 2);
        QCOMPARE(server.openConnections(), 0);
        QTRY_VERIFY(a->isFinished() && b->isFinished());
        QVERIFY(a->error() != QNetworkReply::NoError);
    }
};

QTEST_GUILESS_MAIN(TestHttp2Server)
#include "tst_http2_server.moc"
