#include "support/tcp_forwarder.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace rag::test {

namespace {
QString tlsFile(const char *name)
{
    return qEnvironmentVariable("RAGDESK_SOURCE_DIR") + QStringLiteral("/tests/support/tls/") + QLatin1String(name);
}
} // namespace

QString TcpForwarder::certificatePath()
{
    return tlsFile("localhost.pem");
}

TcpForwarder::TcpForwarder(Mode mode, quint16 targetPort, QObject *parent)
    : QObject(parent), m_mode(mode), m_targetPort(targetPort)
{
    if (mode == Mode::Tls) {
        auto *server = new QSslServer(this);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QFile key(tlsFile("localhost.key"));
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(certificatePath());
        if (!key.open(QIODevice::ReadOnly) || certificates.isEmpty())
            return;
        tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
        tls.setLocalCertificate(certificates.first());
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        server->setSslConfiguration(tls);
        m_server = server;
    } else {
        m_server = new QTcpServer(this);
    }
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *client = m_server->nextPendingConnection())
            pipe(client);
    });
    if (m_server->listen(QHostAddress::LocalHost, 0))
        m_port = m_server->serverPort();
}

void TcpForwarder::pipe(QTcpSocket *client)
{
    ++m_connections;
    auto *target = new QTcpSocket(client);
    target->connectToHost(QHostAddress::LocalHost, m_targetPort);
    auto headRewritten = std::make_shared<bool>(m_mode != Mode::HttpProxy);
    auto pending = std::make_shared<QByteArray>();
    connect(client, &QTcpSocket::readyRead, target, [this, client, target, headRewritten, pending] {
        pending->append(client->readAll());
        if (!*headRewritten) {
            // "POST http://127.0.0.1:PORT/path HTTP/1.1" is sent on as "POST /path HTTP/1.1".
            const qsizetype lineEnd = pending->indexOf("\r\n");
            if (lineEnd < 0)
                return;
            const QByteArray line = pending->left(lineEnd);
            if (m_firstRequestLine.isEmpty())
                m_firstRequestLine = line;
            const QList<QByteArray> parts = line.split(' ');
            QByteArray requestTarget = parts.value(1);
            if (const qsizetype scheme = requestTarget.indexOf("://"); scheme >= 0) {
                const qsizetype path = requestTarget.indexOf('/', scheme + 3);
                requestTarget = path >= 0 ? requestTarget.mid(path) : QByteArray("/");
            }
            pending->replace(0, lineEnd, parts.value(0) + ' ' + requestTarget + ' ' + parts.value(2));
            *headRewritten = true;
        }
        if (target->state() == QAbstractSocket::ConnectedState) {
            target->write(*pending);
            pending->clear();
        }
    });
    connect(target, &QTcpSocket::connected, target, [target, pending, headRewritten] {
        if (!*headRewritten)
            return; // the request line is still to come
        target->write(*pending);
        pending->clear();
    });
    connect(target, &QTcpSocket::readyRead, client, [client, target] { client->write(target->readAll()); });
    connect(target, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
    connect(client, &QTcpSocket::disconnected, client, [client] { client->deleteLater(); });
}

} // namespace rag::test
