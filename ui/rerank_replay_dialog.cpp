#include "rerank_replay_dialog.h"

#include "api/configured_providers.h"
#include "field_labels.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

namespace {

enum Column { LoggedRank, ReplayRank, Change, LoggedScore, ReplayScore, Document, Passage, ColumnCount };

// Shows its text, sorts by its number. (Setting a number as the display role and then the text
// would not work: QVariant finds 0.9 and "0.900" equal and keeps the number.)
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(double value, const QString &text) : QTableWidgetItem(text), m_value(value)
    {
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        if (const auto *number = dynamic_cast<const NumberItem *>(&other))
            return m_value < number->m_value;
        return QTableWidgetItem::operator<(other);
    }

private:
    double m_value;
};

QTableWidgetItem *changeItem(int change, const QPalette &palette)
{
    auto *item = new QTableWidgetItem;
    item->setData(Qt::UserRole, change);
    if (change == 0) {
        item->setText(QStringLiteral("="));
        item->setToolTip(QObject::tr("Same rank in both"));
        return item;
    }
    item->setText(change > 0 ? QStringLiteral("▲ %1").arg(change) : QStringLiteral("▼ %1").arg(-change));
    item->setToolTip(change > 0 ? QObject::tr("%n place(s) higher in the replay", nullptr, change)
                                : QObject::tr("%n place(s) lower in the replay", nullptr, -change));
    QFont bold = item->font();
    bold.setBold(true);
    item->setFont(bold);
    if (change < 0)
        item->setForeground(errorTextColour(palette));
    return item;
}

} // namespace

RerankReplayDialog::RerankReplayDialog(const Workspace &workspace, const api::RerankCallRecord &call, QWidget *parent)
    : QDialog(parent), m_calls(workspace), m_call(call)
{
    setWindowTitle(tr("Replay rerank call %1").arg(call.id));
    setObjectName(QStringLiteral("rerankReplayDialog"));

    auto *header = new QLabel(tr("<b>Query</b> %1<br>Logged: <b>%2</b> (%3), %4 documents in %5 ms")
                                  .arg(call.query.left(300).toHtmlEscaped(), call.provider.toHtmlEscaped(),
                                       call.model.toHtmlEscaped())
                                  .arg(call.chunkIds.size())
                                  .arg(call.latencyMs, 0, 'f', 1));
    header->setWordWrap(true);
    header->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_reranker = new QComboBox;
    m_reranker->setObjectName(QStringLiteral("replayReranker"));
    m_reranker->setMinimumContentsLength(16);
    fillRerankers(workspace);
    m_run = new QPushButton(tr("&Replay"));
    m_run->setObjectName(QStringLiteral("runReplay"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("&Cancel replay"));
    m_cancel->setObjectName(QStringLiteral("cancelReplay"));
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0); // a call's progress is not known: busy while it runs
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    auto *pick = new QLabel(tr("Replay &with"));
    pick->setBuddy(m_reranker);
    auto *controls = new QHBoxLayout;
    controls->addWidget(pick);
    controls->addWidget(m_reranker);
    controls->addWidget(m_run);
    controls->addWidget(m_cancel);
    controls->addWidget(m_busy);
    controls->addStretch(1);

    m_summary = new QLabel(tr("Pick a reranker and press Replay: the call's query and documents are sent to it, "
                              "and both rankings are shown side by side."));
    m_summary->setObjectName(QStringLiteral("replaySummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("replayTable"));
    m_table->setHorizontalHeaderLabels({tr("Logged rank"), tr("Replay rank"), tr("Change"), tr("Logged score"),
                                        tr("Replay score"), tr("Document"), tr("Passage")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_run, &QPushButton::clicked, this, &RerankReplayDialog::replay);
    connect(m_cancel, &QPushButton::clicked, this, &RerankReplayDialog::cancel);
    connect(&m_watcher, &QFutureWatcher<api::RerankReplayReport>::finished, this, [this] {
        setRunning(false);
        showReport(m_watcher.result());
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    setRunning(false);
    resize(860, 520);
}

RerankReplayDialog::~RerankReplayDialog()
{
    // The worker holds no pointer to this dialog, but its result is awaited here so that no
    // replay outlives the window that asked for it.
    cancel();
    m_watcher.waitForFinished();
}

void RerankReplayDialog::fillRerankers(const Workspace &workspace)
{
    QStringList names = api::ConfiguredProviders(workspace).namesServing(QStringLiteral("rerank"));
    names.append(QStringLiteral("builtin"));
    for (const QString &name : std::as_const(names))
        m_reranker->addItem(name == QLatin1String("builtin") ? tr("builtin (lexical, offline)") : name, name);
    // Comparing is the point: another reranker first, the logged one still there to measure again.
    for (int i = 0; i < m_reranker->count(); ++i) {
        if (m_reranker->itemData(i).toString() != m_call.provider) {
            m_reranker->setCurrentIndex(i);
            break;
        }
    }
}

void RerankReplayDialog::replay()
{
    if (isRunning())
        return;
    m_token = CancelToken::create();
    setRunning(true);
    m_summary->setText(tr("Replaying with %1...").arg(m_reranker->currentData().toString()));
    m_watcher.setFuture(QtConcurrent::run(
        [calls = m_calls, id = m_call.id, reranker = m_reranker->currentData().toString(), token = m_token] {
            return calls.replay(id, reranker, token);
        }));
}

void RerankReplayDialog::cancel()
{
    if (m_token)
        m_token->cancel();
}

void RerankReplayDialog::reject()
{
    cancel();
    QDialog::reject();
}

void RerankReplayDialog::setRunning(bool running)
{
    m_run->setEnabled(!running && m_call.replayable());
    m_reranker->setEnabled(!running);
    m_cancel->setVisible(running);
    m_busy->setVisible(running);
}

void RerankReplayDialog::showReport(const api::RerankReplayReport &report)
{
    m_report = report;
    if (!report.ok()) {
        m_summary->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                               .arg(errorTextColour(palette()).name(), report.error.toHtmlEscaped()));
        Q_EMIT replayed();
        return;
    }
    QString summary = tr("Replayed by <b>%1</b> in %2 ms (logged: %3, %4 ms). %5 of %6 documents changed rank.")
                          .arg(report.replayProvider.toHtmlEscaped())
                          .arg(report.replayLatencyMs, 0, 'f', 1)
                          .arg(report.loggedProvider.toHtmlEscaped())
                          .arg(report.loggedLatencyMs, 0, 'f', 1)
                          .arg(report.moved())
                          .arg(report.rows.size());
    if (report.missing > 0)
        summary += tr(" %n document(s) of the call are no longer stored and were left out.", nullptr, report.missing);
    m_summary->setText(summary);

    m_table->setSortingEnabled(false);
    m_table->setRowCount(int(report.rows.size()));
    for (int r = 0; r < report.rows.size(); ++r) {
        const api::RerankReplayRow &row = report.rows.at(r);
        m_table->setItem(r, LoggedRank, new NumberItem(row.loggedRank, QString::number(row.loggedRank)));
        m_table->setItem(r, ReplayRank, new NumberItem(row.replayRank, QString::number(row.replayRank)));
        m_table->setItem(r, Change, changeItem(row.rankChange(), palette()));
        m_table->setItem(r, LoggedScore, new NumberItem(row.loggedScore, QString::number(row.loggedScore, 'f', 3)));
        m_table->setItem(r, ReplayScore, new NumberItem(row.replayScore, QString::number(row.replayScore, 'f', 3)));
        m_table->setItem(r, Document, new QTableWidgetItem(row.document));
        auto *passage = new QTableWidgetItem(row.text.simplified().left(200));
        passage->setToolTip(row.text.left(2000));
        m_table->setItem(r, Passage, passage);
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LoggedRank, Qt::AscendingOrder);
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(Document, std::min(m_table->columnWidth(Document), 180));
    Q_EMIT replayed();
}

} // namespace rag::ui
