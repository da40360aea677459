// ragdesk: with a command, the command-line tool; without one, it starts the desktop app
// (ragdesk-desktop, installed next to it), so the tool itself needs no widget libraries.
#include "cli/cli.h"
#include "cli/console.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace {

int startDesktop(char **argv)
{
    const QString self = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    const QString desktop = QFileInfo(self).absolutePath() + QStringLiteral("/ragdesk-desktop");
    if (!QFileInfo(desktop).isExecutable()) {
        rag::cli::errLine(QStringLiteral("ragdesk: the desktop app is not installed (%1); use the command line "
                                         "(ragdesk --help)").arg(desktop));
        return rag::cli::kExitFailure;
    }
    const QByteArray path = desktop.toLocal8Bit();
    std::vector<char *> args{const_cast<char *>(path.constData())};
    for (char **arg = argv + 1; *arg; ++arg)
        args.push_back(*arg);
    args.push_back(nullptr);
    ::execv(path.constData(), args.data());
    rag::cli::errLine(QStringLiteral("ragdesk: cannot start %1: %2").arg(desktop, QString::fromLocal8Bit(std::strerror(errno))));
    return rag::cli::kExitFailure;
}

} // namespace

int main(int argc, char **argv)
{
    const rag::cli::ProgramArguments arguments = rag::cli::readProgramArguments(argc, argv);
    if (!arguments.error.isEmpty())
        return rag::cli::usageError(arguments.error);
    if (arguments.rest.isEmpty())
        return startDesktop(argv);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ragdesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDESK_VERSION));
    return rag::cli::run(arguments.all);
}
