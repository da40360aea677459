#include "providers/sim/sim_exchange.h"

#include <cmath>

namespace rag::sim {

namespace {

int timerMs(double ms)
{
    return int(std::min(std::max(std::lround(ms), 0L), long(24 * 3600 * 1000)));
}

} // namespace

SimExchange::SimExchange(net::HttpResponder *responder, SimReply reply, Ending ending, double latencyMs,
                         double eventIntervalMs, QObject *parent)
    : QObject(parent), m_responder(responder), m_reply(std::move(reply)), m_ending(ending), m_latencyMs(latencyMs),
      m_intervalMs(eventIntervalMs)
{
    // Precise: a coarse timer may fire 5% late, which would blur latency percentiles.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SimExchange::onTimer);
    // The client leaving ends the exchange whatever it was doing (a hang ends only this way).
    connect(responder, &net::HttpResponder::closed, this, &SimExchange::finish);
    if (m_ending == Ending::Cut && m_reply.stream)
        m_cutAfter = m_reply.events.size() / 2;
}

void SimExchange::start()
{
    if (m_ending == Ending::Hang)
        return;
    m_timer.start(timerMs(m_latencyMs));
}

void SimExchange::onTimer()
{
    if (!m_answered)
        answer();
    else
        sendEvents();
}

bool SimExchange::responderGone()
{
    if (m_responder && m_responder->isOpen())
        return false;
    finish();
    return true;
}

void SimExchange::answer()
{
    m_answered = true;
    if (responderGone())
        return;
    if (m_ending == Ending::Reset) {
        m_responder->abortConnection();
        finish();
        return;
    }
    if (m_reply.stream) {
        m_responder->beginStream(m_reply.status, m_reply.contentType, m_reply.headers);
        sendEvents();
        return;
    }
    if (m_ending == Ending::Cut) {
        // A body cut short: chunked framing lets the client see a started body that never ends.
        m_responder->beginStream(m_reply.status, m_reply.contentType, m_reply.headers);
        m_responder->writeChunk(m_reply.body.left(m_reply.body.size() / 2));
        cut();
        return;
    }
    m_responder->respond(m_reply.status, m_reply.contentType, m_reply.body, m_reply.headers);
    finish();
}

void SimExchange::sendEvents()
{
    if (responderGone())
        return;
    bool waited = true; // the event the timer waited for goes out now
    while (m_next < m_reply.events.size()) {
        if (m_cutAfter >= 0 && m_next >= m_cutAfter) {
            cut();
            return;
        }
        const SimEvent &event = m_reply.events.at(m_next);
        if (event.paced && !waited && m_intervalMs > 0) {
            m_timer.start(timerMs(m_intervalMs));
            return;
        }
        m_responder->writeChunk(event.bytes);
        ++m_next;
        waited = false;
    }
    m_responder->endStream();
    finish();
}

void SimExchange::cut()
{
    if (m_responder)
        m_responder->abortConnection();
    finish();
}

void SimExchange::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    if (m_responder)
        disconnect(m_responder, nullptr, this, nullptr);
    emit finished();
    deleteLater();
}

} // namespace rag::sim
