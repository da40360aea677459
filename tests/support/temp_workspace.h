// A workspace in a temporary data dir that disappears with the test.
#pragma once

#include "workspace/workspace.h"

#include <QTemporaryDir>

#include <memory>

namespace rag::test {

struct TempWorkspace {
    TempWorkspace();
    QString path(const QString &relative) const { return dir.filePath(relative); }
    // Creates the knowledge base and ingests the paths; fails the test on error.
    ingest::IngestReport ingest(const QString &kb, const QStringList &paths);
    std::unique_ptr<Workspace> reopen(); // a second Workspace on the same data dir

    QTemporaryDir dir;
    std::unique_ptr<Workspace> workspace;
};

} // namespace rag::test
