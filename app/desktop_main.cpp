// ragdesk-desktop: the desktop app, its own binary so that the ragdesk command (and a server
// running it) needs no widget libraries. `ragdesk` with no command starts it, passing on its
// options (--data-dir, --db).
#include "cli/console.h"
#include "cli/global_options.h"
#include "main_window.h"
#include "startup_error.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QIcon>

namespace {
bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}
} // namespace

int main(int argc, char **argv)
{
    const rag::cli::ProgramArguments arguments = rag::cli::readProgramArguments(argc, argv);
    if (!arguments.error.isEmpty())
        return rag::cli::usageError(arguments.error);
    if (!arguments.rest.isEmpty())
        return rag::cli::usageError(QStringLiteral("ragdesk-desktop takes only --data-dir and --db; commands are ragdesk's"));
    if (!displayAvailable()) {
        rag::cli::errLine(QStringLiteral("ragdesk: no display available to open the desktop app; "
                                         "use the command line instead (ragdesk --help)"));
        return rag::cli::kExitFailure;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ragdesk"));
    QApplication::setApplicationVersion(QStringLiteral(RAGDESK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("ragdesk")); // QSettings: ~/.config/ragdesk/
    QApplication::setDesktopFileName(QStringLiteral("org.ragdesk.Ragdesk")); // packaging/
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/ragdesk.svg")));
    auto workspace = rag::Workspace::open({arguments.global.dataDir, arguments.global.database, {}});
    if (!workspace) {
        const int status = rag::cli::failure(workspace.error()); // stderr too, for a terminal
        rag::ui::showStartupError(workspace.error(), arguments.global.dataDir.isEmpty() ? rag::defaultDataDir()
                                                                                       : arguments.global.dataDir);
        return status;
    }
    rag::ui::MainWindow window(**workspace);
    window.show();
    return QApplication::exec();
}
