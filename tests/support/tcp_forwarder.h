// Loopback middlemen in front of a test server, on the thread that creates them: a TLS endpoint
// with the test certificate (tests/support/tls/), and an HTTP proxy that takes absolute-form
// requests as proxies do. Each forwards the bytes to the target port and counts connections.
#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>

class QTcpServer;
class QTcpSocket;

namespace rag::test {

class TcpForwarder : public QObject {
    Q_OBJECT
public:
    enum class Mode { Tls, HttpProxy };
    TcpForwarder(Mode mode, quint16 targetPort, QObject *parent = nullptr);

    bool ok() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    int connections() const { return m_connections; }
    QByteArray firstRequestLine() const { return m_firstRequestLine; } // as the proxy received it

    static QString certificatePath(); // the PEM certificate for localhost and 127.0.0.1

private:
    void pipe(QTcpSocket *client);

    Mode m_mode;
    quint16 m_targetPort;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    int m_connections = 0;
    QByteArray m_firstRequestLine;
};

} // namespace rag::test
