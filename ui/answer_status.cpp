#include "answer_status.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace rag::ui {

namespace {

constexpr int kClockMs = 200;

// "350 ms", "2.4 s": a fast answer would otherwise read "0.0 s".
QString duration(qint64 ms)
{
    return ms < 1000 ? QObject::tr("%1 ms").arg(ms) : QObject::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

} // namespace

AnswerStatus::AnswerStatus(QWidget *parent) : QWidget(parent)
{
    m_busy = new QProgressBar;
    m_busy->setObjectName(QStringLiteral("chatBusy"));
    m_busy->setRange(0, 0); // indeterminate: nothing tells how long the first words take
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(m_busy->fontMetrics().height());
    m_busy->hide();
    m_label = new QLabel;
    m_label->setObjectName(QStringLiteral("chatStatus"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_busy);
    layout->addWidget(m_label, 1);
    m_clock.setInterval(kClockMs);
    connect(&m_clock, &QTimer::timeout, this, &AnswerStatus::tick);
}

void AnswerStatus::started()
{
    m_running = true;
    m_stopping = false;
    m_firstChunkMs = -1;
    m_elapsed.start();
    m_clock.start();
    m_busy->show();
    tick();
}

void AnswerStatus::firstChunk()
{
    if (!m_running || m_firstChunkMs >= 0)
        return;
    m_firstChunkMs = m_elapsed.elapsed();
    m_busy->hide();
    tick();
}

void AnswerStatus::stopping()
{
    m_stopping = true;
    m_label->setText(tr("Stopping…"));
}

void AnswerStatus::answered(double ttfcMs)
{
    const qint64 ms = m_elapsed.elapsed();
    const double ttfc = ttfcMs >= 0 ? ttfcMs : double(m_firstChunkMs);
    finish(ttfc >= 0 ? tr("Answered in %1 (first words after %2)").arg(duration(ms), duration(qint64(ttfc)))
                     : tr("Answered in %1").arg(duration(ms)));
}

void AnswerStatus::stopped()
{
    finish(tr("Stopped after %1").arg(duration(m_elapsed.elapsed())));
}

void AnswerStatus::failed()
{
    finish(tr("Failed after %1").arg(duration(m_elapsed.elapsed())));
}

void AnswerStatus::showMessage(const QString &text)
{
    m_label->setText(text);
}

QString AnswerStatus::text() const
{
    return m_label->text();
}

void AnswerStatus::finish(const QString &text)
{
    m_running = false;
    m_clock.stop();
    m_busy->hide();
    m_label->setText(text);
}

void AnswerStatus::tick()
{
    if (!m_running || m_stopping)
        return;
    const QString elapsed = duration(m_elapsed.elapsed());
    m_label->setText(m_firstChunkMs >= 0 ? tr("Answering… %1").arg(elapsed) : tr("Waiting for the first words… %1").arg(elapsed));
}

} // namespace rag::ui
