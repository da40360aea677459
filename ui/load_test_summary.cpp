#include "load_test_summary.h"

#include "loadtest/load_test_job.h"
#include "loadtest/threshold.h"

#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>

namespace rag::ui {

namespace {

const QColor kPass(0x2e, 0x7d, 0x32);
const QColor kFail(0xc6, 0x28, 0x28);
const QColor kStopped(0xb2, 0x6a, 0x00);

QString ms(double value)
{
    return value < 10 ? QObject::tr("%1 ms").arg(value, 0, 'f', 1) : QObject::tr("%1 ms").arg(qRound64(value));
}

QString latencies(const QMap<QString, loadtest::StageSummary> &stages, const QString &stage)
{
    const auto it = stages.constFind(stage);
    if (it == stages.constEnd() || it->count == 0)
        return QObject::tr("not measured");
    return QObject::tr("p50 %1 · p95 %2 · p99 %3").arg(ms(it->p50), ms(it->p95), ms(it->p99));
}

// The observed value in the threshold's own unit, as its expression reads.
QString observed(const loadtest::ThresholdResult &result)
{
    if (!result.observed)
        return QObject::tr("nothing observed");
    const auto threshold = loadtest::parseThreshold(result.expression);
    const double value = *result.observed;
    if (threshold && threshold->kind == loadtest::Threshold::Kind::ErrorRate)
        return QObject::tr("observed %1%").arg(value * 100, 0, 'f', 2);
    if (threshold && threshold->kind == loadtest::Threshold::Kind::Throughput)
        return QObject::tr("observed %1 req/s").arg(value, 0, 'f', 1);
    return QObject::tr("observed %1").arg(ms(value));
}

QLabel *valueLabel(const QString &name)
{
    auto *label = new QLabel;
    label->setObjectName(name);
    // Not wrapped: the summary sits in a scroll area, which would squeeze a wrapped label's
    // second line; a long line scrolls sideways instead.
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void setColour(QLabel *label, const QColor &colour)
{
    label->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(colour.name()));
}

} // namespace

LoadTestSummary::LoadTestSummary(QWidget *parent) : QWidget(parent)
{
    m_verdict = valueLabel(QStringLiteral("loadTestVerdict"));
    m_counts = valueLabel(QStringLiteral("loadTestCounts"));
    m_throughput = valueLabel(QStringLiteral("loadTestThroughput"));
    m_latency = valueLabel(QStringLiteral("loadTestLatency"));
    m_runtime = valueLabel(QStringLiteral("loadTestPeaks"));
    m_saturation = valueLabel(QStringLiteral("loadTestSaturation"));
    m_thresholds = new QListWidget;
    m_thresholds->setObjectName(QStringLiteral("loadTestThresholdVerdicts"));
    m_thresholds->setMaximumHeight(m_thresholds->fontMetrics().height() * 4 + 8);
    m_thresholds->setSelectionMode(QAbstractItemView::NoSelection);

    auto *layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
    layout->addRow(m_verdict);
    layout->addRow(tr("Requests"), m_counts);
    layout->addRow(tr("Throughput"), m_throughput);
    layout->addRow(tr("Latency"), m_latency);
    layout->addRow(tr("Peaks"), m_runtime);
    layout->addRow(tr("Saturation"), m_saturation);
    layout->addRow(tr("Thresholds"), m_thresholds);
    clear();
}

void LoadTestSummary::clear()
{
    m_verdict->setText(tr("No finished run yet"));
    m_verdict->setStyleSheet({});
    for (QLabel *label : {m_counts, m_throughput, m_latency, m_runtime, m_saturation})
        label->setText(QStringLiteral("–"));
    m_thresholds->clear();
}

void LoadTestSummary::showOutcome(const loadtest::LoadTestOutcome &outcome)
{
    const loadtest::RunSummary &s = outcome.summary;
    qsizetype failedThresholds = 0;
    for (const loadtest::ThresholdResult &t : outcome.thresholds)
        failedThresholds += t.ok ? 0 : 1;
    if (outcome.stopped) {
        m_verdict->setText(tr("Stopped early: the figures cover the requests that finished"));
        setColour(m_verdict, kStopped);
    } else if (outcome.thresholds.isEmpty()) {
        m_verdict->setText(tr("Finished (no thresholds to check)"));
        m_verdict->setStyleSheet({});
    } else if (failedThresholds == 0) {
        m_verdict->setText(tr("PASS: every threshold held"));
        setColour(m_verdict, kPass);
    } else {
        m_verdict->setText(tr("FAIL: %1 of %2 thresholds failed").arg(failedThresholds).arg(outcome.thresholds.size()));
        setColour(m_verdict, kFail);
    }

    m_counts->setText(tr("%1 recorded = %2 in the warm-up + %3 completed + %4 failed + %5 cancelled")
                          .arg(s.recorded)
                          .arg(s.warmup)
                          .arg(s.completed)
                          .arg(s.failed)
                          .arg(s.cancelled));
    m_throughput->setText(tr("%1 req/s over %2 s measured (goodput %3 req/s), error rate %4%")
                              .arg(s.throughputRps, 0, 'f', 1)
                              .arg(s.measuredS, 0, 'f', 1)
                              .arg(s.goodputRps, 0, 'f', 1)
                              .arg(s.errorRate * 100, 0, 'f', 2));
    const auto e2e = s.stages.constFind(QStringLiteral("e2e"));
    m_latency->setText(tr("time to first chunk %1\nend to end p95 %2")
                           .arg(latencies(s.stages, QStringLiteral("ttfc")),
                                e2e == s.stages.constEnd() || e2e->count == 0 ? tr("not measured") : ms(e2e->p95)));
    m_runtime->setText(tr("%1 threads · %2 MB resident · engine loop lag p99 %3")
                           .arg(s.threadsPeak)
                           .arg(s.rssPeakMb, 0, 'f', 0)
                           .arg(ms(s.loopLagP99Ms)));
    const QString hint = outcome.report.value(QStringLiteral("saturation")).toObject().value(QStringLiteral("text")).toString();
    m_saturation->setText(hint.isEmpty() ? tr("no hint") : hint);

    m_thresholds->clear();
    for (const loadtest::ThresholdResult &t : outcome.thresholds) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2  (%3)").arg(t.ok ? tr("PASS") : tr("FAIL"), t.expression, observed(t)),
                                         m_thresholds);
        item->setForeground(t.ok ? kPass : kFail);
    }
}

} // namespace rag::ui
