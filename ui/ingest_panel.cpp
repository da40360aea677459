#include "ingest_panel.h"

#include "workspace/workspace.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

IngestPanel::IngestPanel(Workspace &workspace, QWidget *parent) : QWidget(parent), m_workspace(workspace)
{
    qRegisterMetaType<ingest::IngestProgress>();
    qRegisterMetaType<ingest::IngestReport>();
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
    m_bar = new QProgressBar;
    m_bar->setObjectName(QStringLiteral("ingestProgress"));
    m_bar->setMaximumWidth(240);
    m_label = new QLabel;
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelIngest"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &IngestPanel::cancel);
    hide();
}

IngestPanel::~IngestPanel()
{
    // The job refers to the workspace, which outlives this panel only until the app tears down.
    cancel();
    m_run.waitForFinished();
}

QString IngestPanel::start(const QString &kb, const QStringList &paths)
{
    if (m_job)
        return tr("An ingestion is already running");
    auto job = m_workspace.ingestJob(kb, paths);
    if (!job)
        return job.error();
    auto record = m_workspace.knowledgeBase(kb);
    if (!record)
        return record.error();
    if (record->spec.embedder != index::BuiltinEmbedder::name()) {
        m_embedding = std::make_unique<api::ProviderCalls>(m_workspace);
        m_chunkEmbedder = m_embedding->chunkEmbedder(record->spec.embedder);
        (*job)->setChunkEmbedder(m_chunkEmbedder.get());
    }
    m_job = std::move(*job);
    // Progress arrives on the ingest thread; the panel outlives the job (see the destructor).
    m_job->setProgressHandler([this](const ingest::IngestProgress &progress) {
        QMetaObject::invokeMethod(this, [this, progress] { showProgress(progress); }, Qt::QueuedConnection);
    });
    m_bar->setRange(0, 0); // busy until the first file is done and the total is known
    m_label->setText(tr("Ingesting into %1...").arg(kb));
    m_cancel->setEnabled(true);
    show();

    m_run = QtConcurrent::run(&m_thread, [job = m_job] { return job->run(); });
    auto *watcher = new QFutureWatcher<ingest::IngestReport>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const ingest::IngestReport report = watcher->result();
        m_job.reset();
        m_chunkEmbedder.reset();
        m_embedding.reset();
        hide();
        Q_EMIT finished(report);
    });
    watcher->setFuture(m_run);
    return {};
}

void IngestPanel::cancel()
{
    if (m_job) {
        m_job->cancel();
        m_cancel->setEnabled(false);
        m_label->setText(tr("Cancelling after the current file..."));
    }
}

void IngestPanel::showProgress(const ingest::IngestProgress &progress)
{
    if (!m_job)
        return;
    m_bar->setRange(0, progress.filesTotal);
    m_bar->setValue(progress.filesDone);
    if (!m_job->isCancelled())
        m_label->setText(tr("%1/%2 %3").arg(progress.filesDone).arg(progress.filesTotal).arg(QFileInfo(progress.last.path).fileName()));
    Q_EMIT progressed(progress);
}

} // namespace rag::ui
