#include "cli/number_options.h"

#include <QCommandLineParser>

#include <limits>

namespace rag::cli {

bool readNumberOption(const QCommandLineParser &parser, const QString &name, int *target, QString *error)
{
    if (!parser.isSet(name))
        return true;
    const QString value = parser.value(name);
    bool ok = false;
    const qlonglong whole = value.toLongLong(&ok);
    if (!ok) {
        *error = QStringLiteral("--%1 takes a whole number, not '%2'").arg(name, value);
        return false;
    }
    if (whole < std::numeric_limits<int>::min() || whole > std::numeric_limits<int>::max()) {
        *error = QStringLiteral("--%1 is out of range: '%2'").arg(name, value);
        return false;
    }
    *target = int(whole);
    return true;
}

bool readNumberOption(const QCommandLineParser &parser, const QString &name, double *target, QString *error)
{
    if (!parser.isSet(name))
        return true;
    const QString value = parser.value(name);
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok) {
        *error = QStringLiteral("--%1 takes a number, not '%2'").arg(name, value);
        return false;
    }
    *target = number;
    return true;
}

} // namespace rag::cli
