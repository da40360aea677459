#include "cli/cli.h"

#include "cli/console.h"
#include "cli/interrupt_watcher.h"
#include "providers/sim/provider_simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>

#include <sys/resource.h>

namespace rag::cli {

namespace {

// Under load the simulator holds a socket per concurrent call; the default soft limit of 1024
// open files would refuse connections long before the CPU is busy.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

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

    const QString listen = parser.value(QStringLiteral("listen"));
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon > 0 ? listen.mid(colon + 1).toUInt(&portOk) : 0;
    const QHostAddress host(colon > 0 ? listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')) : QString());
    if (colon <= 0 || !portOk || port > 65535 || host.isNull())
        return usageError(QStringLiteral("--listen takes HOST:PORT with a numeric host, e.g. 127.0.0.1:9750, not '%1'").arg(listen));

    auto profile = sim::SimulatorProfile::load(parser.value(QStringLiteral("profile")));
    if (!profile)
        return failure(profile.error());
    raiseOpenFileLimit();
    sim::ProviderSimulator simulator(*profile);
    if (auto listening = simulator.listen(host, quint16(port)); !listening)
        return failure(listening.error());
    // The first line is for scripts: they read the address from it (port 0 picks a free one).
    outLine(QStringLiteral("ragdesk sim listening on %1").arg(simulator.baseUrl().toString()));
    if (host != QHostAddress::LocalHost && host != QHostAddress::LocalHostIPv6)
        errLine(QStringLiteral("warning: the simulator listens beyond loopback (%1)").arg(host.toString()));
    const InterruptWatcher stop([] { QCoreApplication::quit(); }, true);
    return QCoreApplication::exec();
}

} // namespace rag::cli
