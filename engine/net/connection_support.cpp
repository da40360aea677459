#include "net/connection_support.h"

#include <QTcpSocket>

#include <sys/socket.h>

Q_LOGGING_CATEGORY(lcNet, "rag.net", QtWarningMsg)

namespace rag::net {

bool isSafeHeaderText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

void abortWithReset(QTcpSocket *socket)
{
    // Linger 0 turns close() into a reset, so the client sees the connection dropped (not a
    // clean end of a response) whatever it had already received.
    const qintptr fd = socket->socketDescriptor();
    if (fd >= 0) {
        const linger hard{1, 0};
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    socket->abort();
}

} // namespace rag::net
