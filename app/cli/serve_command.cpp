#include "cli/cli.h"

#include "chat/chat_engine.h"
#include "cli/console.h"
#include "cli/interrupt_watcher.h"
#include "cli/number_options.h"
#include "cli/server_setup.h"
#include "providers/calllog/rerank_call_log.h"
#include "serve/api_server.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>

namespace rag::cli {

namespace {

// --api-key-env VAR: the variable holds one key, or several separated by commas (one per client
// team, each revoked by restarting without it); "KEY:N" limits that key to N requests a second.
// Read once; the keys are never printed.
QList<QByteArray> keysFrom(const QString &option, const QString &variable, QHash<QByteArray, double> *rates,
                           QString *error)
{
    const QByteArray value = qgetenv(variable.toLocal8Bit().constData());
    QList<QByteArray> keys;
    for (QByteArray key : value.split(',')) {
        key = key.trimmed();
        const qsizetype colon = key.lastIndexOf(':');
        bool isRate = false;
        const double rate = colon > 0 ? key.mid(colon + 1).toDouble(&isRate) : 0;
        if (isRate) {
            if (!rates || !(rate > 0)) {
                *error = QStringLiteral("%1 %2: a key's rate (KEY:N) must be a number of requests a second above 0%3")
                             .arg(option, variable, rates ? QString() : QStringLiteral(", and admin keys take none"));
                return {};
            }
            key.truncate(colon);
            rates->insert(key, rate);
        }
        if (!key.isEmpty())
            keys.append(key);
    }
    if (keys.isEmpty())
        *error = QStringLiteral("%1 %2: the variable is not set or holds no key").arg(option, variable);
    return keys;
}

} // namespace

int serveCommand(Workspace &workspace, const QStringList &args)
{
    const QString usage = QStringLiteral(
        "usage: ragdesk serve [--listen HOST:PORT] [--api-key-env VAR] [--admin-key-env VAR] [--grace-ms N]\n"
        "                     [--deadline-ms N]");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("listen"), QStringLiteral("address"), QStringLiteral("HOST:PORT"),
                      QStringLiteral("127.0.0.1:8080")});
    parser.addOption({QStringLiteral("api-key-env"), QStringLiteral("variable holding the API keys"), QStringLiteral("VAR")});
    parser.addOption({QStringLiteral("admin-key-env"), QStringLiteral("variable holding the admin keys"), QStringLiteral("VAR")});
    parser.addOption({QStringLiteral("grace-ms"), QStringLiteral("drain time on SIGTERM"), QStringLiteral("N"),
                      QStringLiteral("30000")});
    parser.addOption({QStringLiteral("deadline-ms"), QStringLiteral("an answer's deadline"), QStringLiteral("N"),
                      QStringLiteral("120000")});
    if (!parser.parse(QStringList{QStringLiteral("serve")} + args) || !parser.positionalArguments().isEmpty())
        return usageError(parser.errorText().isEmpty() ? usage : parser.errorText() + QLatin1Char('\n') + usage);

    QHostAddress host;
    quint16 port = 0;
    if (const QString bad = parseListenAddress(parser.value(QStringLiteral("listen")), &host, &port); !bad.isEmpty())
        return usageError(bad);
    QString error;
    int graceMs = 30'000;
    int deadlineMs = 120'000;
    if (!readNumberOption(parser, QStringLiteral("grace-ms"), &graceMs, &error)
        || !readNumberOption(parser, QStringLiteral("deadline-ms"), &deadlineMs, &error))
        return usageError(error);
    if (graceMs < 0 || deadlineMs < 1)
        return usageError(QStringLiteral("--grace-ms takes 0 or more milliseconds, --deadline-ms 1 or more"));

    serve::ServeConfig config;
    config.answerDeadline = std::chrono::milliseconds(deadlineMs);
    if (parser.isSet(QStringLiteral("api-key-env"))) {
        config.apiKeys = keysFrom(QStringLiteral("--api-key-env"), parser.value(QStringLiteral("api-key-env")),
                                  &config.keyRateLimits, &error);
        if (!error.isEmpty())
            return usageError(error);
    }
    if (parser.isSet(QStringLiteral("admin-key-env"))) {
        config.adminKeys = keysFrom(QStringLiteral("--admin-key-env"), parser.value(QStringLiteral("admin-key-env")),
                                    nullptr, &error);
        if (!error.isEmpty())
            return usageError(error);
    }
    // Anyone who can reach the port could read every knowledge base: beyond this machine, a key.
    if (!host.isLoopback() && config.apiKeys.isEmpty())
        return usageError(QStringLiteral("serve: listening on %1 (beyond loopback) needs --api-key-env VAR")
                              .arg(host.toString()));

    raiseOpenFileLimit();
    chat::ChatEngine engine(workspace);
    serve::ApiServer server(workspace, engine, config);
    if (auto listening = server.listen(host, port); !listening)
        return failure(listening.error());
    // The first line is for scripts: they read the address from it (port 0 picks a free one).
    const QString shown = host.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(host.toString())
                                                                            : host.toString();
    outLine(QStringLiteral("ragdesk serve listening on http://%1:%2").arg(shown).arg(server.port()));
    errLine(config.apiKeys.isEmpty() ? QStringLiteral("no API key asked (loopback only)")
                                     : QStringLiteral("%1 API key(s) accepted").arg(config.apiKeys.size()));
    QObject::connect(&server, &serve::ApiServer::ready, &server, [] { errLine(QStringLiteral("ready")); });
    // Drained: the answers are done; their connections close once their last bytes are out
    // (bounded, for a client that stops reading).
    QTimer lastBytes;
    QElapsedTimer drainedFor;
    QObject::connect(&server, &serve::ApiServer::drained, &server, [&] {
        drainedFor.start();
        lastBytes.start(20);
    });
    QObject::connect(&lastBytes, &QTimer::timeout, &server, [&] {
        if (server.openConnections() == 0 || drainedFor.elapsed() > 5000)
            QCoreApplication::quit();
    });
    server.warmUp();

    // SIGTERM or Ctrl-C: stop accepting, let the answers in flight finish within the grace period.
    // A second signal cancels them at once.
    const InterruptWatcher stop(
        [&server, graceMs] {
            const bool again = server.isDraining();
            errLine(again ? QStringLiteral("stopping now") : QStringLiteral("draining (%1 answers in flight)").arg(server.activeAnswers()));
            server.drain(std::chrono::milliseconds(graceMs));
            if (again)
                server.cancelAll();
        },
        true);
    QCoreApplication::exec();
    engine.callLog().flush();
    errLine(QStringLiteral("stopped"));
    return kExitOk;
}

} // namespace rag::cli
