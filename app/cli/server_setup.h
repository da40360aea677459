// What the commands that listen (sim, serve) share: reading --listen, and room for many sockets.
#pragma once

#include <QHostAddress>
#include <QString>

namespace rag::cli {

// "HOST:PORT" with a numeric host ("[::1]:80" for IPv6). Returns an error message, empty if valid.
QString parseListenAddress(const QString &listen, QHostAddress *host, quint16 *port);

// A server holds a socket per concurrent request; the default soft limit of 1024 open files would
// refuse connections long before the CPU is busy.
void raiseOpenFileLimit();

} // namespace rag::cli
