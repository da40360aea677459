#include "monitor_dock.h"

#include "chat/engine_host.h"
#include "live_chart.h"
#include "metrics/stage_statistics.h"
#include "stage_bars.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rag::ui {

namespace {
constexpr int kSpanS = 60; // the charts show the last minute at least
const QColor kTtfcColour(0xd9, 0x5f, 0x02);
const QColor kAnsweredColour(0x1f, 0x77, 0xb4);
const QColor kThreadsColour(0x6a, 0x3d, 0x9a);
const QColor kLagColour(0x2c, 0x8c, 0x3c);

QString joined(QStringList parts)
{
    parts.sort();
    return parts.isEmpty() ? QObject::tr("none") : parts.join(QStringLiteral(", "));
}
} // namespace

MonitorDock::MonitorDock(HostSource host, QWidget *parent)
    : QDockWidget(tr("Monitor"), parent), m_hostSource(std::move(host))
{
    setObjectName(QStringLiteral("monitorDock"));
    m_ttfc = new LiveChart(tr("TTFC p95"), tr("ms"), kTtfcColour);
    m_ttfc->setObjectName(QStringLiteral("monitorTtfc"));
    m_answered = new LiveChart(tr("Answers per second"), tr("/s"), kAnsweredColour);
    m_answered->setObjectName(QStringLiteral("monitorAnswered"));
    m_answered->setIntegral(true);
    m_threads = new LiveChart(tr("Threads"), QString(), kThreadsColour);
    m_threads->setObjectName(QStringLiteral("monitorThreads"));
    m_threads->setIntegral(true);
    m_guiLag = new LiveChart(tr("GUI loop lag p99"), tr("ms"), kLagColour);
    m_guiLag->setObjectName(QStringLiteral("monitorGuiLag"));
    for (LiveChart *chart : {m_ttfc, m_answered, m_threads, m_guiLag})
        chart->setMinimumSpan(kSpanS);
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("monitorText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    m_latest = new QLabel(tr("No answer yet."));
    m_latest->setObjectName(QStringLiteral("monitorLatest"));
    m_latest->setTextFormat(Qt::RichText);
    m_latest->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *charts = new QGridLayout;
    charts->addWidget(m_ttfc, 0, 0);
    charts->addWidget(m_answered, 0, 1);
    charts->addWidget(m_threads, 1, 0);
    charts->addWidget(m_guiLag, 1, 1);
    auto *body = new QWidget;
    auto *layout = new QVBoxLayout(body);
    layout->addLayout(charts, 3);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_latest);
    auto *scroll = new QScrollArea;
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    setWidget(scroll);

    m_second.setInterval(1000);
    connect(&m_second, &QTimer::timeout, this, &MonitorDock::tick);
    connect(this, &QDockWidget::visibilityChanged, this, &MonitorDock::setWatching);
}

void MonitorDock::setWatching(bool watching)
{
    if (!watching) {
        m_second.stop();
        return;
    }
    if (!m_host) {
        m_host = m_hostSource();
        if (!m_host)
            return;
        m_samples = connect(m_host, &chat::EngineHost::sampled, this, &MonitorDock::onSample);
        m_sample = m_host->lastSample();
        const metrics::StageSnapshot now = m_host->engine()->statistics().snapshotOf(QStringLiteral("ttfc"));
        m_ttfcBefore = now.stages.value(QStringLiteral("ttfc"));
        m_answeredBefore = now.completed;
        m_reranksBefore = now.reranks;
        m_rerankFailuresBefore = now.rerankFailures;
    }
    m_second.start();
}

void MonitorDock::onSample(const metrics::RuntimeSample &sample)
{
    m_sample = sample;
}

void MonitorDock::tick()
{
    if (!m_host)
        return;
    // The engine's statistics are cumulative: this second is the difference from the last one.
    const metrics::StageSnapshot now = m_host->engine()->statistics().snapshotOf(QStringLiteral("ttfc"));
    const metrics::LatencyHistogram ttfc = now.stages.value(QStringLiteral("ttfc"));
    const metrics::LatencyHistogram window = ttfc.since(m_ttfcBefore);
    m_ttfcBefore = ttfc;
    m_reading.answered = now.completed;
    m_reading.answeredLastS = int(now.completed - m_answeredBefore);
    m_answeredBefore = now.completed;
    m_reading.reranks = now.reranks;
    m_reading.rerankFailures = now.rerankFailures;
    m_reading.reranksLastS = int(now.reranks - m_reranksBefore);
    m_reading.rerankFailuresLastS = int(now.rerankFailures - m_rerankFailuresBefore);
    m_reranksBefore = now.reranks;
    m_rerankFailuresBefore = now.rerankFailures;
    m_reading.ttfcP50LastMs = window.count() > 0 ? double(window.percentile(0.5)) / 1000.0 : 0;
    m_reading.ttfcP95LastMs = window.count() > 0 ? double(window.percentile(0.95)) / 1000.0 : 0;
    m_reading.threads = m_sample.threads;
    m_reading.rssMb = m_sample.rssMb;
    m_reading.guiLagP99Ms = m_sample.loopLagP99Ms.value(QStringLiteral("gui"));
    m_reading.engineLagP99Ms = m_sample.loopLagP99Ms.value(QStringLiteral("engine"));

    // No answer started that second: a gap, not a misleading zero.
    m_ttfc->append(window.count() > 0 ? m_reading.ttfcP95LastMs : qQNaN());
    m_answered->append(m_reading.answeredLastS);
    m_threads->append(m_reading.threads);
    m_guiLag->append(m_reading.guiLagP99Ms);
    m_text->setText(details());
    if (!now.latest.isEmpty()) {
        double total = 0;
        for (const auto &stage : now.latest)
            total += stage.second;
        m_latest->setText(tr("<b>Latest answer</b>, %1 ms:").arg(total, 0, 'f', 0)
                          + stageBarsHtml(now.latest, total, palette().color(QPalette::Highlight)));
    }
    Q_EMIT updated();
}

QString MonitorDock::details() const
{
    QStringList stages;
    for (auto it = m_sample.stageInFlight.constBegin(); it != m_sample.stageInFlight.constEnd(); ++it) {
        if (it.value() > 0)
            stages.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value()));
    }
    QStringList pools;
    for (auto it = m_sample.pools.constBegin(); it != m_sample.pools.constEnd(); ++it)
        pools.append(tr("%1 %2/%3 busy, %4 queued").arg(it.key()).arg(it->active).arg(it->max).arg(it->queued));
    QStringList http;
    for (auto it = m_sample.http.constBegin(); it != m_sample.http.constEnd(); ++it)
        http.append(tr("%1 %2 in flight, %3 queued (of %4)").arg(it.key()).arg(it->inFlight).arg(it->queued).arg(it->maxConnections));
    return tr("Answered %1 · TTFC p50 %2 ms, p95 %3 ms (last second)\n"
              "Threads %4 · RSS %5 MB · loop lag p99: GUI %6 ms, engine %7 ms\n"
              "Reranks %11/s, %12 failed\n"
              "In flight: %8\nPools: %9\nHTTP: %10")
        .arg(m_reading.answered)
        .arg(m_reading.ttfcP50LastMs, 0, 'f', 0)
        .arg(m_reading.ttfcP95LastMs, 0, 'f', 0)
        .arg(m_reading.threads)
        .arg(m_reading.rssMb, 0, 'f', 0)
        .arg(m_reading.guiLagP99Ms, 0, 'f', 1)
        .arg(m_reading.engineLagP99Ms, 0, 'f', 1)
        .arg(joined(stages), joined(pools), joined(http))
        .arg(m_reading.reranksLastS)
        .arg(m_reading.rerankFailuresLastS);
}

} // namespace rag::ui
