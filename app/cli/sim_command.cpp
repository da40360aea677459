#include "cli/cli.h"

#include "cli/console.h"
#include "cli/interrupt_watcher.h"
#include "cli/server_setup.h"
#include "providers/sim/provider_simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>

namespace rag::cli {

int simCommand(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: ragdesk sim [--profile FILE|field|instant] [--listen HOST:PORT]");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("profile"), QStringLiteral("profile file or built-in name"), QStringLiteral("FILE"),
                      QStringLiteral("instant")});
    parser.addOption({QStringLiteral("listen"), QStringLiteral("address"), QStringLiteral("HOST:PORT"),
                      QStringLiteral("127.0.0.1:9750")});
    if (!parser.parse(QStringList{QStringLiteral("sim")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);

    QHostAddress host;
    quint16 port = 0;
    if (const QString bad = parseListenAddress(parser.value(QStringLiteral("listen")), &host, &port); !bad.isEmpty())
        return usageError(bad);

    auto profile = sim::SimulatorProfile::load(parser.value(QStringLiteral("profile")));
    if (!profile)
        return failure(profile.error());
    raiseOpenFileLimit();
    sim::ProviderSimulator simulator(*profile);
    if (auto listening = simulator.listen(host, port); !listening)
        return failure(listening.error());
    // The first line is for scripts: they read the address from it (port 0 picks a free one).
    outLine(QStringLiteral("ragdesk sim listening on %1").arg(simulator.baseUrl().toString()));
    if (!host.isLoopback())
        errLine(QStringLiteral("warning: the simulator listens beyond loopback (%1)").arg(host.toString()));
    const InterruptWatcher stop([] { QCoreApplication::quit(); }, true);
    return QCoreApplication::exec();
}

} // namespace rag::cli
