// The admission queue in front of a provider's connections: at most `capacity` calls hold a slot;
// the rest wait in FIFO order until a slot frees, their deadline passes or they are cancelled.
// A full queue refuses at once, so overload is a fast, clear error rather than unbounded memory.
// Used from one thread (the engine thread).
#pragma once

#include "core/cancel_token.h"

#include <QObject>

#include <qcoro/qcorotask.h>

#include <chrono>
#include <deque>

namespace rag::providers {

enum class Admission { Granted, Cancelled, TimedOut, Overloaded };

class AdmissionQueue : public QObject {
    Q_OBJECT
public:
    AdmissionQueue(int capacity, int maxQueued, QObject *parent = nullptr);
    ~AdmissionQueue() override; // whoever still waits is told Cancelled (resumed from the event loop)

    // Granted: the caller holds a slot and must release() it.
    QCoro::Task<Admission> acquire(std::chrono::milliseconds timeout, CancelTokenPtr cancel);
    void release();
    // A larger capacity admits waiters at once; a smaller one takes effect as slots come back.
    void setCapacity(int capacity);

    int capacity() const { return m_capacity; }
    int inUse() const { return m_inUse; }
    int queued() const { return int(m_waiters.size()); }

private:
    class Waiter;
    void settle(Waiter *waiter, Admission admission);

    int m_capacity;
    int m_maxQueued;
    int m_inUse = 0;
    std::deque<Waiter *> m_waiters;
};

} // namespace rag::providers
