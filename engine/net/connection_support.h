// What the HTTP/1.1 and HTTP/2 connections of HttpServer share (private to ragdesk_net): the
// log category, the check that keeps a handler's header text from breaking out of its line, and
// closing with a reset.
#pragma once

#include <QByteArray>
#include <QLoggingCategory>

class QTcpSocket;

Q_DECLARE_LOGGING_CATEGORY(lcNet)

namespace rag::net {

// No CR, LF or NUL: text that cannot break out of a header line.
bool isSafeHeaderText(const QByteArray &text);
// Closes with a TCP reset: the peer sees the connection dropped, not a clean end.
void abortWithReset(QTcpSocket *socket);

} // namespace rag::net
