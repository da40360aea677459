#include "search_pane.h"

#include "markdown_html.h"
#include "workspace/workspace.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace rag::ui {

namespace {
enum Column { kRank, kDocument, kSimilarity, kTerm, kVector, kExcerpt };
constexpr int kContentRole = Qt::UserRole + 1;
constexpr int kDocumentRole = Qt::UserRole + 2;
} // namespace

SearchPane::SearchPane(Workspace &workspace, QWidget *parent) : QWidget(parent), m_workspace(workspace)
{
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
    m_query = new QLineEdit;
    m_query->setObjectName(QStringLiteral("searchQuery"));
    m_query->setPlaceholderText(tr("Search the selected knowledge base"));
    m_query->setClearButtonEnabled(true);
    m_results = new QTreeWidget;
    m_results->setObjectName(QStringLiteral("searchResults"));
    m_results->setRootIsDecorated(false);
    m_results->setHeaderLabels({tr("#"), tr("Document"), tr("Similarity"), tr("Term"), tr("Vector"), tr("Excerpt")});
    m_results->header()->setSectionResizeMode(kExcerpt, QHeaderView::Stretch);
    m_preview = new QTextBrowser;
    m_preview->setObjectName(QStringLiteral("chunkPreview"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("searchStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_results);
    split->addWidget(m_preview);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_query);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_query, &QLineEdit::returnPressed, this, &SearchPane::runSearch);
    connect(m_results, &QTreeWidget::currentItemChanged, this, &SearchPane::showSelectedHit);
}

SearchPane::~SearchPane()
{
    // The search holds a reference to the workspace, which outlives the window, not the app.
    if (m_cancel)
        m_cancel->cancel(); // a provider embedding the query must not hold the window open
    m_search.waitForFinished();
}

void SearchPane::setKnowledgeBase(const QString &name)
{
    if (name == m_knowledgeBase)
        return;
    m_knowledgeBase = name;
    if (!m_query->text().isEmpty())
        runSearch();
}

void SearchPane::focusQuery()
{
    m_query->setFocus(Qt::ShortcutFocusReason);
    m_query->selectAll();
}

QString SearchPane::statusText() const
{
    return m_status->text();
}

void SearchPane::runSearch()
{
    if (m_knowledgeBase.isEmpty()) {
        m_status->setText(tr("Select a knowledge base first"));
        return;
    }
    m_status->setText(tr("Searching..."));
    if (m_cancel)
        m_cancel->cancel(); // its result would not be shown
    m_cancel = CancelToken::create();
    m_search = m_searches.run(
        [&workspace = m_workspace, providers = &m_providers, cancel = m_cancel, name = m_knowledgeBase, query = m_query->text()] {
            auto kb = workspace.knowledgeBase(name);
            if (!kb)
                return Outcome{{}, kb.error()};
            Workspace::QueryVectors vectors;
            if (kb->spec.embedder != index::BuiltinEmbedder::name()) {
                if (!*providers) // searches run one at a time on the pane's thread
                    *providers = std::make_unique<api::ProviderCalls>(workspace);
                auto embedded = (*providers)->queryVectors({*kb}, query, cancel);
                if (!embedded)
                    return Outcome{{}, embedded.error()};
                vectors = *embedded;
            }
            auto result = workspace.search(name, query, {}, vectors);
            return result ? Outcome{result->hits, {}} : Outcome{{}, result.error()};
        },
        [this](const Outcome &outcome) { showResults(outcome); });
}

void SearchPane::showResults(const Outcome &outcome)
{
    m_results->clear();
    m_preview->clear();
    if (!outcome.error.isEmpty()) {
        m_status->setText(outcome.error);
        Q_EMIT searchFinished();
        return;
    }
    int rank = 0;
    for (const index::SearchHit &hit : outcome.hits) {
        auto *item = new QTreeWidgetItem(m_results);
        item->setText(kRank, QString::number(++rank));
        item->setText(kDocument, hit.chunk.page > 0 ? tr("%1, p. %2").arg(hit.chunk.document).arg(hit.chunk.page)
                                                    : hit.chunk.document);
        item->setText(kSimilarity, QString::number(hit.similarity, 'f', 3));
        item->setText(kTerm, QString::number(hit.termSimilarity, 'f', 3));
        item->setText(kVector, QString::number(hit.vectorSimilarity, 'f', 3));
        item->setText(kExcerpt, hit.chunk.content.simplified().left(200));
        item->setData(kRank, kContentRole, hit.chunk.content);
        item->setData(kRank, kDocumentRole, hit.chunk.document);
    }
    for (int c = 0; c < kExcerpt; ++c)
        m_results->resizeColumnToContents(c);
    if (m_results->topLevelItemCount() > 0)
        m_results->setCurrentItem(m_results->topLevelItem(0));
    m_status->setText(outcome.hits.isEmpty() ? tr("No results in '%1'").arg(m_knowledgeBase)
                                             : tr("%n result(s) in '%1'", nullptr, int(outcome.hits.size())).arg(m_knowledgeBase));
    Q_EMIT searchFinished();
}

void SearchPane::showSelectedHit()
{
    const QTreeWidgetItem *item = m_results->currentItem();
    if (!item) {
        m_preview->clear();
        return;
    }
    const QString document = item->data(kRank, kDocumentRole).toString();
    m_preview->setHtml(QStringLiteral("<p style=\"font-size:small;\"><b>%1</b> · %2</p>%3")
                           .arg(item->text(kDocument).toHtmlEscaped(),
                                tr("similarity %1 · term %2 · vector %3")
                                    .arg(item->text(kSimilarity), item->text(kTerm), item->text(kVector)),
                                passageToHtml(document, item->data(kRank, kContentRole).toString())));
}

} // namespace rag::ui
