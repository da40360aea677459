// The Knowledge tab's search: a query box, the hits with their scores, the selected hit's whole
// chunk (Markdown rendered for Markdown documents) and a line saying how the search went. Searches
// run off the GUI thread on one long-lived thread (one database connection), and a newer search
// supersedes an older one still running.
#pragma once

#include "latest_read.h"

#include "api/provider_calls.h"
#include "index/hybrid_searcher.h"

#include <QFuture>
#include <QThreadPool>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTextBrowser;
class QTreeWidget;

namespace rag {
class Workspace;
}

namespace rag::ui {

class SearchPane : public QWidget {
    Q_OBJECT
public:
    explicit SearchPane(Workspace &workspace, QWidget *parent = nullptr);
    ~SearchPane() override;

    // Searches `name` from now on; again at once when there is a query.
    void setKnowledgeBase(const QString &name);
    void runSearch();
    void focusQuery(); // the query selected, ready to type over
    QString statusText() const;

Q_SIGNALS:
    void searchFinished(); // results (or the error) are on screen

private:
    struct Outcome {
        QList<index::SearchHit> hits;
        QString error;
    };
    void showResults(const Outcome &outcome);
    void showSelectedHit();

    Workspace &m_workspace;
    QString m_knowledgeBase;
    QLineEdit *m_query = nullptr;
    QTreeWidget *m_results = nullptr;
    QTextBrowser *m_preview = nullptr;
    QLabel *m_status = nullptr;
    QThreadPool m_thread;
    LatestRead<Outcome> m_searches{this, &m_thread};
    QFuture<Outcome> m_search; // the latest, waited for when the pane goes
    // Made on the search thread the first time a knowledge base embedded by a provider is
    // searched: that provider embeds the query first.
    std::unique_ptr<api::ProviderCalls> m_providers;
    CancelTokenPtr m_cancel; // the latest search's provider call: a newer search or closing stops it
};

} // namespace rag::ui
