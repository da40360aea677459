// The Knowledge tab's documents: every file a knowledge base holds, with its status, chunk
// count, size, when it was ingested and, for a failure, why. Selected documents can be removed
// (after a confirmation), ingested again, or opened to read their chunks. Reads and removals run
// off the GUI thread; a newer read supersedes an older one.
#pragma once

#include "latest_read.h"

#include "api/records.h"

#include <QFuture>
#include <QThreadPool>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace rag {
class Workspace;
}

namespace rag::ui {

class DocumentList : public QWidget {
    Q_OBJECT
public:
    explicit DocumentList(Workspace &workspace, QWidget *parent = nullptr);
    ~DocumentList() override;

    void setKnowledgeBase(const QString &name); // and reads its documents, when it is another
    void reload();
    QStringList selectedPaths() const;
    // The buttons' actions; removal asks first unless `confirmed`.
    void removeSelected(bool confirmed = false);
    void reingestSelected();
    void showChunksOfCurrent();
    // While an ingestion writes to the knowledge bases, documents are not removed or re-read.
    void setWritesAllowed(bool allowed);

Q_SIGNALS:
    void documentsShown(int count, int failed); // the list (or its error) is on screen
    void documentsRemoved(int count);           // removed and the list read again
    void reingestRequested(const QStringList &paths);

private:
    struct Listing {
        QList<api::StoredDocument> documents;
        QString error;
    };
    void showListing(const Listing &listing);
    void updateButtons();

    Workspace &m_workspace;
    QString m_knowledgeBase;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_reingest = nullptr;
    QPushButton *m_chunks = nullptr;
    QThreadPool m_thread; // one thread: one database connection for the list's reads and writes
    LatestRead<Listing> m_reads{this, &m_thread};
    QFuture<Listing> m_read;
    QFuture<void> m_removal;
    bool m_removing = false; // until its outcome is on screen
    bool m_writesAllowed = true;
};

} // namespace rag::ui
