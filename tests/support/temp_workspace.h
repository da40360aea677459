// A workspace in a temporary data dir that disappears with the test; the desktop's QSettings go
// there too while it lives.
#pragma once

#include "workspace/workspace.h"

#include <QTemporaryDir>

#include <memory>

namespace rag::test {

struct TempWorkspace {
    TempWorkspace();
    QString path(const QString &relative) const { return dir.filePath(relative); }
    // Creates the knowledge base and ingests the paths. An error, or a file that fails (unless
    // the test expects failed files), fails the running test (QTest::qFail).
    enum class FailedFiles { FailTheTest, Expected };
    ingest::IngestReport ingest(const QString &kb, const QStringList &paths, FailedFiles failed = FailedFiles::FailTheTest);
    std::unique_ptr<Workspace> reopen(); // a second Workspace on the same data dir

    QTemporaryDir dir;
    std::unique_ptr<Workspace> workspace;
};

} // namespace rag::test
