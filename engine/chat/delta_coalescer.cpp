#include "chat/delta_coalescer.h"

namespace rag::chat {

DeltaCoalescer::DeltaCoalescer(DeltaSink sink, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_sink(std::move(sink))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DeltaCoalescer::flush);
}

void DeltaCoalescer::push(const QString &text)
{
    if (text.isEmpty())
        return;
    if (m_delivered == 0 && m_pending.isEmpty()) {
        m_pending = text;
        flush(); // the first chunk is not held back: time to first chunk is what users feel
        return;
    }
    m_pending += text;
    if (!m_timer.isActive())
        m_timer.start();
}

void DeltaCoalescer::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    const QString text = std::exchange(m_pending, QString());
    ++m_delivered;
    if (m_sink)
        m_sink(text);
}

void DeltaCoalescer::discard()
{
    m_timer.stop();
    m_pending.clear();
    m_sink = {};
}

} // namespace rag::chat
