#include "cli/global_options.h"

namespace rag::cli {

QStringList takeGlobalOptions(const QStringList &arguments, GlobalOptions &options, QString *error)
{
    QStringList rest;
    bool literal = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (literal) {
            rest.append(arg);
            continue;
        }
        if (arg == QLatin1String("--")) {
            literal = true;
            rest.append(arg);
            continue;
        }
        QString *target = nullptr;
        QString name = arg;
        QString value;
        const qsizetype eq = arg.indexOf(QLatin1Char('='));
        if (arg.startsWith(QLatin1String("--")) && eq > 0) {
            name = arg.left(eq);
            value = arg.mid(eq + 1);
        }
        if (name == QLatin1String("--data-dir"))
            target = &options.dataDir;
        else if (name == QLatin1String("--db"))
            target = &options.database;
        if (!target) {
            rest.append(arg);
            continue;
        }
        if (eq < 0) {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("%1 needs a value").arg(name);
                return {};
            }
            value = arguments.at(++i);
        }
        *target = value;
    }
    return rest;
}


ProgramArguments readProgramArguments(int argc, char **argv)
{
    ProgramArguments arguments;
    for (int i = 1; i < argc; ++i)
        arguments.all.append(QString::fromLocal8Bit(argv[i]));
    arguments.rest = takeGlobalOptions(arguments.all, arguments.global, &arguments.error);
    return arguments;
}

} // namespace rag::cli
