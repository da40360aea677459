// Number options as the commands read them: a malformed value, or a whole number no int can hold,
// is a usage error naming the option and quoting what was typed. Ranges (top_n 1 to 10000, ...)
// are the engine's to check, with the rest of what they belong to.
#pragma once

#include <QString>

class QCommandLineParser;

namespace rag::cli {

// Leave *target as it is when the option is not set.
bool readNumberOption(const QCommandLineParser &parser, const QString &name, int *target, QString *error);
bool readNumberOption(const QCommandLineParser &parser, const QString &name, double *target, QString *error);

} // namespace rag::cli
