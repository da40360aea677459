#include "support/temp_workspace.h"

#include <QTest>

namespace rag::test {

TempWorkspace::TempWorkspace()
{
    workspace = reopen();
}

std::unique_ptr<Workspace> TempWorkspace::reopen()
{
    auto opened = Workspace::open({dir.filePath(QStringLiteral("data")), {}, {}});
    if (!opened) {
        qWarning("cannot open workspace: %s", qPrintable(opened.error()));
        return {};
    }
    return std::move(*opened);
}

ingest::IngestReport TempWorkspace::ingest(const QString &kb, const QStringList &paths)
{
    if (!workspace->knowledgeBase(kb)) {
        store::KnowledgeBaseSpec spec;
        spec.name = kb;
        if (auto created = workspace->createKnowledgeBase(spec); !created)
            qWarning("cannot create knowledge base: %s", qPrintable(created.error()));
    }
    auto job = workspace->ingestJob(kb, paths);
    if (!job) {
        qWarning("cannot start ingest: %s", qPrintable(job.error()));
        return {};
    }
    return (*job)->run();
}

} // namespace rag::test
