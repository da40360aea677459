// Runs an ingestion off the GUI thread and shows it: a progress bar with the file being read, and
// a Cancel button that stops the job once the files being read are read, however large. Hidden while idle.
#pragma once

#include "api/provider_calls.h"
#include "ingest/ingest_job.h"

#include <QFuture>
#include <QThreadPool>
#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;

namespace rag {
class Workspace;
}

namespace rag::ui {

class IngestPanel : public QWidget {
    Q_OBJECT
public:
    explicit IngestPanel(Workspace &workspace, QWidget *parent = nullptr);
    ~IngestPanel() override;

    // Returns an error message, or an empty string when the ingestion started.
    QString start(const QString &kb, const QStringList &paths);
    void cancel();
    bool isRunning() const { return m_job != nullptr; }

Q_SIGNALS:
    void progressed(const rag::ingest::IngestProgress &progress);
    void finished(const rag::ingest::IngestReport &report);

private:
    void showProgress(const ingest::IngestProgress &progress);

    Workspace &m_workspace;
    QProgressBar *m_bar = nullptr;
    QLabel *m_label = nullptr;
    QPushButton *m_cancel = nullptr;
    // One long-lived thread: ingestion's database connection lives there.
    QThreadPool m_thread;
    // For a knowledge base embedded by a provider: its calls' thread, kept while a job runs.
    std::unique_ptr<api::ProviderCalls> m_embedding;
    std::unique_ptr<ingest::ChunkEmbedder> m_chunkEmbedder;
    std::shared_ptr<ingest::IngestJob> m_job;
    QFuture<ingest::IngestReport> m_run;
};

} // namespace rag::ui
