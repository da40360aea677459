// ragdesk: with a command, the command-line tool; without one, the desktop app.
#include "cli/cli.h"
#include "cli/console.h"
#include "main_window.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QCoreApplication>

#include <memory>

namespace {
bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

int runDesktop(int argc, char **argv, const rag::cli::GlobalOptions &global)
{
    if (!displayAvailable()) {
        rag::cli::errLine(QStringLiteral("ragdesk: no display available to open the desktop app; "
                                         "use the command line instead (ragdesk --help)"));
        return rag::cli::kExitFailure;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ragdesk"));
    QApplication::setApplicationVersion(QStringLiteral(RAGDESK_VERSION));
    auto workspace = rag::Workspace::open({global.dataDir, global.database, {}});
    if (!workspace)
        return rag::cli::failure(workspace.error());
    rag::ui::MainWindow window(**workspace);
    window.show();
    return QApplication::exec();
}
} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    rag::cli::GlobalOptions global;
    QString error;
    const QStringList rest = rag::cli::takeGlobalOptions(arguments, global, &error);
    if (!error.isEmpty())
        return rag::cli::usageError(error);
    if (rest.isEmpty())
        return runDesktop(argc, argv, global);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ragdesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDESK_VERSION));
    return rag::cli::run(arguments);
}
