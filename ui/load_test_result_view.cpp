#include "load_test_result_view.h"

#include "load_test_summary.h"
#include "loadtest/report.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTemporaryDir>
#include <QUrl>
#include <QVBoxLayout>

namespace rag::ui {

LoadTestResultView::LoadTestResultView(QWidget *parent) : QWidget(parent)
{
    m_first = new LoadTestSummary;
    m_first->setObjectName(QStringLiteral("loadTestAsyncSummary"));
    m_run = new LoadTestSummary;
    m_run->setObjectName(QStringLiteral("loadTestSummary"));
    m_firstCaption = new QLabel(tr("<b>Async</b>"));
    m_runCaption = new QLabel(tr("<b>Blocking</b>"));
    // No word wrap here: a layout that trades height for width makes the scroll area around
    // squeeze the summaries instead of scrolling. A long report path is elided in the caption.
    m_comparisonCaption = new QLabel;
    m_comparisonCaption->setObjectName(QStringLiteral("loadTestComparisonCaption"));
    m_comparison = new QPlainTextEdit;
    m_comparison->setObjectName(QStringLiteral("loadTestComparison"));
    m_comparison->setReadOnly(true);
    m_comparison->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_comparison->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_comparison->setMinimumHeight(m_comparison->fontMetrics().lineSpacing() * 12);

    // The comparison first (each metric of both runs on one line), then each run's summary, one
    // under the other: a summary is as wide as its longest line.
    auto *content = new QWidget;
    auto *rows = new QVBoxLayout(content);
    rows->setContentsMargins(0, 0, 0, 0);
    for (QWidget *row : {static_cast<QWidget *>(m_comparisonCaption), static_cast<QWidget *>(m_comparison),
                         static_cast<QWidget *>(m_firstCaption), static_cast<QWidget *>(m_first),
                         static_cast<QWidget *>(m_runCaption), static_cast<QWidget *>(m_run)})
        rows->addWidget(row);
    rows->addStretch(1);
    // Scrolls in a short window (800x600) rather than pushing the charts off screen.
    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll, 1);
    layout->addWidget(buildButtons());
    clear();
}

QWidget *LoadTestResultView::buildButtons()
{
    m_save = new QPushButton(tr("Save reports…"));
    m_save->setObjectName(QStringLiteral("loadTestSave"));
    m_save->setToolTip(tr("report.json, timeseries.csv, report.html (and sweep.svg) into a folder"));
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Save the reports into"));
        if (!dir.isEmpty() && saveReports(dir))
            Q_EMIT status(tr("Reports written to %1").arg(QDir::toNativeSeparators(dir)));
    });
    m_openHtml = new QPushButton(tr("Open HTML report"));
    m_openHtml->setObjectName(QStringLiteral("loadTestOpenHtml"));
    connect(m_openHtml, &QPushButton::clicked, this, [this] {
        auto path = writeHtmlReport();
        if (!path)
            return;
        Q_EMIT status(tr("HTML report: %1").arg(QDir::toNativeSeparators(*path)));
        QDesktopServices::openUrl(QUrl::fromLocalFile(*path));
    });
    m_compare = new QPushButton(tr("Compare with report…"));
    m_compare->setObjectName(QStringLiteral("loadTestCompare"));
    m_compare->setToolTip(tr("This run against an earlier report.json, metric by metric"));
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Earlier report"), {}, tr("Reports (*.json)"));
        if (!path.isEmpty())
            (void)compareWith(path);
    });
    auto *bar = new QWidget;
    auto *buttons = new QHBoxLayout(bar);
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_save);
    buttons->addWidget(m_openHtml);
    buttons->addWidget(m_compare);
    buttons->addStretch(1);
    return bar;
}

void LoadTestResultView::showOutcome(const loadtest::LoadTestOutcome &outcome)
{
    clear();
    m_outcome = outcome;
    m_run->showOutcome(outcome);
    updateButtons();
}

void LoadTestResultView::showPair(const loadtest::LoadTestOutcome &async, const loadtest::LoadTestOutcome &blocking)
{
    showOutcome(blocking);
    m_first->showOutcome(async);
    for (QWidget *w : {static_cast<QWidget *>(m_first), static_cast<QWidget *>(m_firstCaption),
                       static_cast<QWidget *>(m_runCaption)})
        w->show();
    auto lines = loadtest::compareReports(async.report, blocking.report);
    showComparison(tr("Async -> blocking, the same load on each, one after the other:"), lines ? *lines : lines.error());
}

void LoadTestResultView::clear()
{
    m_outcome.reset();
    m_first->clear();
    m_run->clear();
    for (QWidget *w : {static_cast<QWidget *>(m_first), static_cast<QWidget *>(m_firstCaption),
                       static_cast<QWidget *>(m_runCaption), static_cast<QWidget *>(m_comparisonCaption),
                       static_cast<QWidget *>(m_comparison)})
        w->hide();
    m_comparison->clear();
    m_comparisonCaption->setToolTip({});
    updateButtons();
}

void LoadTestResultView::setBusy(bool busy)
{
    m_busy = busy;
    updateButtons();
}

void LoadTestResultView::updateButtons()
{
    for (QPushButton *button : {m_save, m_openHtml, m_compare})
        button->setEnabled(!m_busy && m_outcome.has_value());
}

Result<void> LoadTestResultView::compareWith(const QString &reportPath)
{
    Result<void> compared = [&]() -> Result<void> {
        if (!m_outcome)
            return fail(tr("There is no finished run to compare"));
        auto earlier = loadtest::readReportFile(reportPath);
        if (!earlier)
            return fail(earlier.error());
        auto lines = loadtest::compareReports(*earlier, m_outcome->report);
        if (!lines)
            return fail(lines.error());
        const QString shown = QDir::toNativeSeparators(reportPath);
        showComparison(tr("Earlier report (%1) -> this run:").arg(shown.size() > 60 ? QStringLiteral("…") + shown.right(59) : shown),
                       *lines);
        m_comparisonCaption->setToolTip(shown);
        return {};
    }();
    if (!compared)
        Q_EMIT error(compared.error());
    return compared;
}

Result<void> LoadTestResultView::saveReports(const QString &dir)
{
    if (!m_outcome)
        return fail(tr("There is no finished run to save"));
    auto written = loadtest::writeReports(dir, *m_outcome);
    if (!written)
        Q_EMIT error(written.error());
    return written;
}

Result<QString> LoadTestResultView::writeHtmlReport()
{
    if (!m_outcome)
        return fail(tr("There is no finished run to show"));
    QTemporaryDir dir(QDir::temp().filePath(QStringLiteral("ragdesk-loadtest-XXXXXX")));
    if (!dir.isValid()) {
        Q_EMIT error(tr("Cannot create a folder for the report: %1").arg(dir.errorString()));
        return fail(dir.errorString());
    }
    dir.setAutoRemove(false);
    if (auto written = loadtest::writeReports(dir.path(), *m_outcome); !written) {
        Q_EMIT error(written.error());
        return fail(written.error());
    }
    return dir.filePath(QStringLiteral("report.html"));
}

QString LoadTestResultView::comparisonText() const
{
    return m_comparison->isHidden() ? QString() : m_comparison->toPlainText();
}

void LoadTestResultView::showComparison(const QString &caption, const QString &lines)
{
    m_comparisonCaption->setText(caption);
    m_comparison->setPlainText(lines);
    m_comparisonCaption->show();
    m_comparison->show();
}

} // namespace rag::ui
