// Versioned schema migrations, run in order on every open; each one runs in its own transaction
// and records its version, so a database created by any earlier release upgrades safely.
#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QStringList>

namespace rag::store {

struct Migration {
    int version;
    QString name;
    QStringList statements;
};

const QList<Migration> &schemaMigrations();
int latestSchemaVersion();

// Applies every migration newer than the database's recorded version.
Result<int> migrate(const QSqlDatabase &db, const QList<Migration> &migrations = schemaMigrations());

// The version the database records (0 for an empty database).
Result<int> schemaVersion(const QSqlDatabase &db);

} // namespace rag::store
