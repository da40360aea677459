// ragdesk-desktop: the desktop app, its own binary so that the ragdesk command (and a server
// running it) needs no widget libraries. `ragdesk` with no command starts it, passing on its
// options (--data-dir, --db).
#include "cli/console.h"
#include "cli/global_options.h"
#include "main_window.h"
#include "workspace/workspace.h"

#include <QApplication>

namespace {
bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
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
    if (!rest.isEmpty())
        return rag::cli::usageError(QStringLiteral("ragdesk-desktop takes only --data-dir and --db; commands are ragdesk's"));
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
