#include "support/temp_workspace.h"

#include <QSettings>
#include <QTest>

namespace rag::test {

TempWorkspace::TempWorkspace()
{
    // The desktop's QSettings (window, forms) go to this folder too: a test starts from the
    // defaults, whatever an earlier test or the developer's own use of the app saved.
    const QString settings = dir.filePath(QStringLiteral("settings"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings);
    workspace = reopen();
}

std::unique_ptr<Workspace> TempWorkspace::reopen()
{
    auto opened = Workspace::open({dir.filePath(QStringLiteral("data")), {}, {}});
    if (!opened) // every test after this would use a null workspace: stop the binary, saying why
        qFatal("cannot open the test workspace: %s", qPrintable(opened.error()));
    return std::move(*opened);
}

ingest::IngestReport TempWorkspace::ingest(const QString &kb, const QStringList &paths, FailedFiles failed)
{
    if (!workspace->knowledgeBase(kb)) {
        store::KnowledgeBaseSpec spec;
        spec.name = kb;
        if (auto created = workspace->createKnowledgeBase(spec); !created) {
            QTest::qFail(qPrintable(QStringLiteral("cannot create the knowledge base: ") + created.error()), __FILE__, __LINE__);
            return {};
        }
    }
    auto job = workspace->ingestJob(kb, paths);
    if (!job) {
        QTest::qFail(qPrintable(QStringLiteral("cannot start the ingestion: ") + job.error()), __FILE__, __LINE__);
        return {};
    }
    ingest::IngestReport report = (*job)->run();
    for (const auto &file : report.files) {
        if (failed == FailedFiles::Expected)
            break;
        if (file.status == ingest::IngestFileOutcome::Status::Failed) {
            QTest::qFail(qPrintable(QStringLiteral("ingesting %1 failed: %2").arg(file.path, file.error)), __FILE__, __LINE__);
            break;
        }
    }
    return report;
}

} // namespace rag::test
