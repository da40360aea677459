#include "cli/server_setup.h"

#include <sys/resource.h>

namespace rag::cli {

QString parseListenAddress(const QString &listen, QHostAddress *host, quint16 *port)
{
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint number = colon > 0 ? listen.mid(colon + 1).toUInt(&portOk) : 0;
    const QHostAddress address(colon > 0 ? listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')) : QString());
    if (colon <= 0 || !portOk || number > 65535 || address.isNull())
        return QStringLiteral("--listen takes HOST:PORT with a numeric host, e.g. 127.0.0.1:9750, not '%1'").arg(listen);
    *host = address;
    *port = quint16(number);
    return {};
}

void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace rag::cli
