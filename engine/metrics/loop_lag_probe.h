// Measures how late a thread's event loop runs a timer: a precise timer re-armed every interval;
// the difference between when it fired and when it was due is the loop's lag (a busy or blocked
// loop shows up at once). Create it on the thread to watch; read snapshots from anywhere.
#pragma once

#include "metrics/latency_histogram.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QTimer>

namespace rag::metrics {

struct LoopLagSnapshot {
    LatencyHistogram lag; // microseconds late, one value per tick that fired in the window
    // The largest lateness in the window, including the tick that is overdue right now: a loop
    // blocked for seconds shows up in every sample while it is blocked, not only afterwards.
    qint64 maxStallUs = 0;
};

class LoopLagProbe : public QObject {
    Q_OBJECT
public:
    // Starts ticking at once, on the thread that constructs it (moving it restarts the timer
    // on the new thread, but the first tick may then report the move as lag).
    explicit LoopLagProbe(int intervalMs = 50, QObject *parent = nullptr);

    int intervalMs() const { return m_intervalMs; }
    LoopLagSnapshot snapshot() const; // since the last reset
    LoopLagSnapshot takeSnapshot();   // and reset: for per-window sampling (one reader per probe)
    void reset();

private:
    void onTick();
    void arm(); // m_mutex held
    qint64 overdueUs() const; // m_mutex held

    const int m_intervalMs;
    QTimer m_timer; // a child, so it follows moveToThread()
    QElapsedTimer m_clock;
    mutable QMutex m_mutex; // guards m_dueNs and m_window: ticks and readers are on different threads
    qint64 m_dueNs = 0;
    LoopLagSnapshot m_window;
};

} // namespace rag::metrics
