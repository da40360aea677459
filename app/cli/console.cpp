#include "cli/console.h"

#include <cstdio>
#include <unistd.h>

namespace rag::cli {

void out(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stdout);
    std::fflush(stdout);
}

void outLine(const QString &text)
{
    out(text + QLatin1Char('\n'));
}

void errLine(const QString &text)
{
    const QByteArray utf8 = (text + QLatin1Char('\n')).toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stderr);
    std::fflush(stderr);
}

void outJson(const QJsonDocument &json)
{
    out(QString::fromUtf8(json.toJson(QJsonDocument::Compact)) + QLatin1Char('\n'));
}

bool stderrIsTerminal()
{
    return isatty(STDERR_FILENO) == 1;
}

int usageError(const QString &message)
{
    errLine(QStringLiteral("ragdesk: %1").arg(message));
    return kExitUsage;
}

int failure(const QString &message)
{
    errLine(QStringLiteral("error: %1").arg(message));
    return kExitFailure;
}

} // namespace rag::cli
