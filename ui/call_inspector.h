// Admin inspection of reranker calls: the engine's call log, filtered (provider, status, latency,
// time, limit), sortable, with one call's fields and redacted bodies below, an export, and the
// replay of a call to another reranker (RerankReplayDialog).
// Queries run on one worker thread owned by the widget; a newer query supersedes an older one.
#pragma once

#include "latest_read.h"

#include "api/rerank_calls.h"

#include <QFuture>
#include <QThreadPool>
#include <QTimer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDialog;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStackedWidget;
class QTableView;

namespace rag {
class Workspace;
}

namespace rag::ui {

class CallDetails;
class CallTableModel;

class CallInspector : public QWidget {
    Q_OBJECT
public:
    explicit CallInspector(Workspace &workspace, QWidget *parent = nullptr);
    ~CallInspector() override;

    void refresh(); // re-queries now with the current filters (also when shown)
    // Writes the shown calls in the shown order, without bodies: CSV when the path ends in .csv,
    // JSON otherwise. Returns an error message, or an empty string.
    QString exportTo(const QString &path) const;
    QString summaryText() const;

Q_SIGNALS:
    void callsShown(int count);   // a query's rows (or its error) are on screen
    void detailsShown(qint64 id); // the selected call's bodies are on screen
    void replayOpened(QDialog *dialog); // a replay dialog is open (deleted when closed)

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct QueryOutcome {
        QList<api::RerankCallRecord> calls;
        qint64 recorded = 0; // calls in the log, whatever the filters
        QString error;
    };
    struct BodiesOutcome {
        api::RerankCallRecord call;
        QString error;
    };
    QWidget *buildFilters();
    api::RerankCallFilter currentFilter() const;
    void showOutcome(const QueryOutcome &outcome);
    void showSelected();
    void rememberProviders(const QList<api::RerankCallRecord> &calls);
    void chooseExportFile();
    void openReplay(const api::RerankCallRecord &call);

    Workspace &m_workspace;
    api::RerankCalls m_calls; // copied into each read: the reads never touch this widget
    QComboBox *m_provider = nullptr;
    QComboBox *m_status = nullptr;
    QSpinBox *m_minLatency = nullptr;
    QComboBox *m_since = nullptr;
    QSpinBox *m_limit = nullptr;
    QPushButton *m_export = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QTableView *m_table = nullptr;
    CallTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    CallDetails *m_details = nullptr;
    QLabel *m_summary = nullptr;
    QTimer m_debounce; // filter edits settle before a query starts
    QTimer m_live;     // while shown and "Live" is ticked, calls made since appear on their own
    QCheckBox *m_liveBox = nullptr;
    // One long-lived thread, so every query reuses one database connection.
    QThreadPool m_thread;
    LatestRead<QueryOutcome> m_query{this, &m_thread};
    LatestRead<BodiesOutcome> m_bodies{this, &m_thread};
    qint64 m_selectedId = 0;
};

} // namespace rag::ui
