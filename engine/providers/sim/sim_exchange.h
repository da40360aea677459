// One simulated answer in flight (private to ragdesk_sim): waits the sampled latency on a timer,
// then responds, streams its events at the token rate, or plays a fault (hang, reset, cut short).
// Never blocks the thread, so one thread serves hundreds of these at once.
#pragma once

#include "net/http_server.h"
#include "providers/sim/sim_reply.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace rag::sim {

class SimExchange : public QObject {
    Q_OBJECT
public:
    enum class Ending {
        Complete, // the whole reply
        Hang,     // nothing, until the client gives up
        Reset,    // drop the connection instead of answering
        Cut,      // about half the reply, then drop the connection
    };

    SimExchange(net::HttpResponder *responder, SimReply reply, Ending ending, double latencyMs,
                double eventIntervalMs, QObject *parent);

    void start();

signals:
    // Exactly once: the answer is complete, was cut, or the client left. Deleted afterwards.
    void finished();

private:
    void onTimer();
    void answer();     // after the latency
    void sendEvents(); // stream events up to the next paced one
    void cut();
    void finish();
    bool responderGone();

    QPointer<net::HttpResponder> m_responder;
    SimReply m_reply;
    Ending m_ending;
    double m_latencyMs;
    double m_intervalMs;
    QTimer m_timer;
    bool m_answered = false;
    bool m_done = false;
    qsizetype m_next = 0;      // next stream event to send
    qsizetype m_cutAfter = -1; // Cut on streams: events sent before the drop
};

} // namespace rag::sim
