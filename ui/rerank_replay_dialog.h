// Replay of one logged rerank call (docs/providers.md, "Replaying a call"): the call's query and
// documents re-sent to a reranker the user picks, both rankings side by side with each
// document's change of rank marked, and both latencies. The replay runs on a worker thread with
// a busy indicator and can be cancelled; closing the dialog cancels it.
#pragma once

#include "api/rerank_calls.h"

#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace rag {
class Workspace;
}

namespace rag::ui {

class RerankReplayDialog : public QDialog {
    Q_OBJECT
public:
    // `call` is read with its bodies and replayable().
    RerankReplayDialog(const Workspace &workspace, const api::RerankCallRecord &call, QWidget *parent = nullptr);
    ~RerankReplayDialog() override;

    void replay(); // with the reranker chosen
    void cancel();
    void reject() override; // Close, Escape and the title bar's button: a running replay is cancelled
    bool isRunning() const { return m_watcher.isRunning(); }
    const api::RerankReplayReport &report() const { return m_report; }

Q_SIGNALS:
    void replayed(); // a replay ended: its rows, or its error, are on screen

private:
    void fillRerankers(const Workspace &workspace);
    void showReport(const api::RerankReplayReport &report);
    void setRunning(bool running);

    api::RerankCalls m_calls;
    api::RerankCallRecord m_call;
    QComboBox *m_reranker = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    CancelTokenPtr m_token;
    QFutureWatcher<api::RerankReplayReport> m_watcher;
    api::RerankReplayReport m_report;
};

} // namespace rag::ui
