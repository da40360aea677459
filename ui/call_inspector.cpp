#include "call_inspector.h"

#include "call_details.h"
#include "call_export.h"
#include "call_table_model.h"
#include "rerank_replay_dialog.h"
#include "metrics/nearest_rank.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace rag::ui {

namespace {

constexpr int kDebounceMs = 150;
constexpr int kLiveRefreshMs = 2000; // "Live": how often a shown inspector looks for new calls
constexpr int kDefaultLimit = 500;
constexpr int kMaxNameWidth = 140; // px; a longer provider, model or thread name elides (see its tooltip)

QString summarize(const QList<api::RerankCallRecord> &calls)
{
    if (calls.isEmpty())
        return QObject::tr("0 calls shown");
    std::vector<double> latencies;
    latencies.reserve(size_t(calls.size()));
    qsizetype errors = 0;
    for (const api::RerankCallRecord &call : calls) {
        latencies.push_back(call.latencyMs);
        errors += call.ok ? 0 : 1;
    }
    const QString shown = calls.size() == 1 ? QObject::tr("1 call shown") : QObject::tr("%1 calls shown").arg(calls.size());
    const QString failed = errors == 1 ? QObject::tr("1 error") : QObject::tr("%1 errors").arg(errors);
    return QObject::tr("%1 · %2 · p50 %3 ms · p95 %4 ms")
        .arg(shown, failed)
        .arg(metrics::nearestRankValue(latencies, 0.50), 0, 'f', 1)
        .arg(metrics::nearestRankValue(latencies, 0.95), 0, 'f', 1);
}

QLabel *caption(const QString &text, QWidget *buddy)
{
    auto *label = new QLabel(text);
    label->setBuddy(buddy);
    return label;
}

} // namespace

CallInspector::CallInspector(Workspace &workspace, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_calls(workspace)
{
    m_thread.setMaxThreadCount(1);
    m_thread.setExpiryTimeout(-1);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &CallInspector::refresh);
    m_live.setInterval(kLiveRefreshMs);
    connect(&m_live, &QTimer::timeout, this, &CallInspector::refresh);

    m_model = new CallTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CallTableModel::SortRole);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("callTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CallTableModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionsMovable(true); // e.g. the result next to the time
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CallInspector::showSelected);

    m_empty = new QLabel;
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);

    m_details = new CallDetails;
    connect(m_details, &CallDetails::replayRequested, this, &CallInspector::openReplay);
    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(m_stack);
    split->addWidget(m_details);
    // Half and half: the bodies need height as much as the rows do.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("callSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildFilters());
    layout->addWidget(split, 1);
    layout->addWidget(m_summary);
}

CallInspector::~CallInspector()
{
    // The queries hold the database, not this widget; waiting keeps the thread from outliving
    // the widget that owns it and its connection from being used after the app tears down.
    m_thread.waitForDone();
}

QWidget *CallInspector::buildFilters()
{
    m_provider = new QComboBox;
    m_provider->setObjectName(QStringLiteral("providerFilter"));
    m_provider->setEditable(true); // a provider whose calls are not in the latest rows can be typed
    m_provider->setInsertPolicy(QComboBox::NoInsert);
    m_provider->setMinimumContentsLength(14);
    m_provider->addItem(tr("all"));
    m_status = new QComboBox;
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("all"), QString());
    m_status->addItem(tr("ok"), QStringLiteral("ok"));
    m_status->addItem(tr("error"), QStringLiteral("error"));
    m_minLatency = new QSpinBox;
    m_minLatency->setObjectName(QStringLiteral("minLatencyFilter"));
    m_minLatency->setRange(0, 3'600'000);
    m_minLatency->setSingleStep(50);
    m_minLatency->setSuffix(tr(" ms"));
    m_minLatency->setSpecialValueText(tr("any"));
    m_since = new QComboBox;
    m_since->setObjectName(QStringLiteral("sinceFilter"));
    m_since->addItem(tr("any time"), 0);
    m_since->addItem(tr("last 15 min"), 15 * 60);
    m_since->addItem(tr("last hour"), 60 * 60);
    m_since->addItem(tr("last 24 h"), 24 * 60 * 60);
    m_limit = new QSpinBox;
    m_limit->setObjectName(QStringLiteral("limitFilter"));
    m_limit->setRange(1, 100'000);
    m_limit->setValue(kDefaultLimit);
    m_limit->setSingleStep(100);
    m_liveBox = new QCheckBox(tr("Live"));
    m_liveBox->setObjectName(QStringLiteral("liveCalls"));
    m_liveBox->setToolTip(tr("Show new calls as they are made (a query every %1 s while this tab is shown)").arg(kLiveRefreshMs / 1000));
    m_liveBox->setChecked(true);
    connect(m_liveBox, &QCheckBox::toggled, this, [this](bool live) {
        if (live && isVisible())
            m_live.start();
        else
            m_live.stop();
    });
    auto *refresh = new QPushButton(tr("Refresh"));
    refresh->setObjectName(QStringLiteral("refreshCalls"));
    m_export = new QPushButton(tr("Export..."));
    m_export->setObjectName(QStringLiteral("exportCalls"));
    m_export->setEnabled(false);

    // Two rows, so that the tab fits a window 800 pixels wide.
    auto *bar = new QWidget;
    auto *layout = new QGridLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(caption(tr("&Provider"), m_provider), 0, 0);
    layout->addWidget(m_provider, 0, 1);
    layout->addWidget(caption(tr("&Status"), m_status), 0, 2);
    layout->addWidget(m_status, 0, 3);
    layout->addWidget(caption(tr("Min &latency"), m_minLatency), 0, 4);
    layout->addWidget(m_minLatency, 0, 5);
    layout->addWidget(caption(tr("S&ince"), m_since), 1, 0);
    layout->addWidget(m_since, 1, 1);
    layout->addWidget(caption(tr("Li&mit"), m_limit), 1, 2);
    layout->addWidget(m_limit, 1, 3);
    layout->setColumnStretch(6, 1);
    layout->addWidget(m_liveBox, 1, 6, Qt::AlignRight);
    layout->addWidget(refresh, 1, 7);
    layout->addWidget(m_export, 1, 8);

    const auto requery = [this] { m_debounce.start(); };
    connect(m_provider, &QComboBox::currentTextChanged, this, requery);
    connect(m_status, &QComboBox::currentIndexChanged, this, requery);
    connect(m_minLatency, &QSpinBox::valueChanged, this, requery);
    connect(m_since, &QComboBox::currentIndexChanged, this, requery);
    connect(m_limit, &QSpinBox::valueChanged, this, requery);
    connect(refresh, &QPushButton::clicked, this, &CallInspector::refresh);
    connect(m_export, &QPushButton::clicked, this, &CallInspector::chooseExportFile);
    return bar;
}

api::RerankCallFilter CallInspector::currentFilter() const
{
    api::RerankCallFilter filter;
    const QString provider = m_provider->currentText().trimmed();
    if (provider != m_provider->itemText(0))
        filter.provider = provider;
    filter.status = m_status->currentData().toString();
    filter.minLatencyMs = m_minLatency->value() > 0 ? double(m_minLatency->value()) : -1;
    if (const int seconds = m_since->currentData().toInt(); seconds > 0)
        filter.since = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    filter.limit = m_limit->value();
    return filter;
}

void CallInspector::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Shown by the app (its tab picked, the window opened), not re-exposed by the window system.
    if (!event->spontaneous())
        refresh();
    if (m_liveBox->isChecked())
        m_live.start();
}

void CallInspector::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_live.stop(); // a hidden inspector reads nothing
}

void CallInspector::refresh()
{
    m_debounce.stop(); // this query already has the latest filters
    m_query.run([log = m_calls, filter = currentFilter()] {
        QueryOutcome outcome;
        auto calls = log.query(filter);
        if (!calls) {
            outcome.error = calls.error();
            return outcome;
        }
        outcome.calls = std::move(*calls);
        // Tells "nothing recorded yet" from "nothing matches"; only asked when it matters.
        if (outcome.calls.isEmpty()) {
            auto recorded = log.count();
            outcome.recorded = recorded ? *recorded : 0;
        }
        return outcome;
    }, [this](const QueryOutcome &outcome) { showOutcome(outcome); });
}

void CallInspector::showOutcome(const QueryOutcome &outcome)
{
    rememberProviders(outcome.calls);
    m_model->setCalls(outcome.calls);
    m_export->setEnabled(!outcome.calls.isEmpty());
    if (!outcome.error.isEmpty()) {
        m_empty->setText(tr("Could not read the rerank call log: %1").arg(outcome.error));
        m_stack->setCurrentWidget(m_empty);
    } else if (outcome.calls.isEmpty()) {
        m_empty->setText(outcome.recorded == 0
                             ? tr("No rerank calls recorded yet. Calls appear here when a reranker runs: "
                                  "ragdesk providers test NAME, or a chat.")
                             : tr("No calls match these filters."));
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_table);
        // Fit the columns to their values, but not to a long name: the result (the last column,
        // which takes the rest of the width) must stay in view.
        for (int column = 0; column < CallTableModel::Outcome; ++column) {
            m_table->resizeColumnToContents(column);
            if (column == CallTableModel::Provider || column == CallTableModel::Model || column == CallTableModel::Thread)
                m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), kMaxNameWidth));
        }
    }
    m_summary->setText(outcome.error.isEmpty() ? summarize(outcome.calls) : outcome.error);

    // A reset model has no current row: keep the selected call selected if it is still shown.
    if (const int row = m_model->rowOf(m_selectedId); row >= 0) {
        m_table->selectionModel()->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)),
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    } else {
        showSelected();
    }
    Q_EMIT callsShown(int(outcome.calls.size()));
}

void CallInspector::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_selectedId = 0;
        m_bodies.dropPending(); // bodies still on their way belong to a call no longer selected
        m_details->clear();
        return;
    }
    const api::RerankCallRecord call = m_model->call(m_proxy->mapToSource(current).row());
    if (call.id == m_selectedId)
        return; // the same call, re-found after a refresh or a sort: a recorded call never changes
    m_selectedId = call.id;
    m_details->showCall(call);
    m_bodies.run(
        [log = m_calls, id = call.id] {
            auto found = log.find(id);
            return found ? BodiesOutcome{*found, {}} : BodiesOutcome{{}, found.error()};
        },
        [this, id = call.id](const BodiesOutcome &outcome) {
            m_details->showBodies(outcome.call, outcome.error);
            Q_EMIT detailsShown(id);
        });
}

void CallInspector::rememberProviders(const QList<api::RerankCallRecord> &calls)
{
    // Adding items must neither re-query nor change what the user typed.
    const QSignalBlocker blocker(m_provider);
    const QString typed = m_provider->currentText();
    for (const api::RerankCallRecord &call : calls) {
        if (call.provider.isEmpty() || m_provider->findText(call.provider, Qt::MatchExactly | Qt::MatchCaseSensitive) >= 0)
            continue;
        int at = 1; // after "all", in name order
        while (at < m_provider->count() && m_provider->itemText(at) < call.provider)
            ++at;
        m_provider->insertItem(at, call.provider);
    }
    m_provider->setEditText(typed);
}

QString CallInspector::exportTo(const QString &path) const
{
    QList<api::RerankCallRecord> shown;
    shown.reserve(m_proxy->rowCount());
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        shown.append(m_model->call(m_proxy->mapToSource(m_proxy->index(row, 0)).row()));
    return exportCalls(shown, path);
}

void CallInspector::chooseExportFile()
{
    QString format;
    QString path = QFileDialog::getSaveFileName(this, tr("Export rerank calls"), QStringLiteral("rerank-calls.json"),
                                                tr("JSON (*.json);;CSV (*.csv)"), &format);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += format.startsWith(QLatin1String("CSV")) ? QStringLiteral(".csv") : QStringLiteral(".json");
    if (const QString error = exportTo(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
}

void CallInspector::openReplay(const api::RerankCallRecord &call)
{
    auto *dialog = new RerankReplayDialog(m_workspace, call, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The replay lands in the log too: the list shows it once the dialog closes.
    connect(dialog, &QDialog::finished, this, &CallInspector::refresh);
    dialog->open();
    Q_EMIT replayOpened(dialog);
}

QString CallInspector::summaryText() const
{
    return m_summary->text();
}

} // namespace rag::ui
