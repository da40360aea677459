// A thread with an event loop that a host (the GUI, typically) runs work on, and the one way such
// a thread ends: the host asks the thread to drain (cancel what runs, let it unwind on its own
// loop, free what lives there) and waits for it, with a bound (docs/architecture.md, "Shutdown").
//
// The drain runs on the thread's own event loop, never in a nested one: work that is unwinding
// keeps being served, including pool threads that call back into this thread.
#pragma once

#include <QObject>
#include <QThread>

#include <chrono>
#include <functional>

namespace rag {

class WorkerThread {
public:
    // Called on the worker thread when the host stops it. It must call `done` (from the worker
    // thread, now or later) once nothing is left running there and what lives there is freed.
    using Drain = std::function<void(std::function<void()> done)>;

    explicit WorkerThread(const QString &name);
    ~WorkerThread(); // stop() with a drain that has nothing to wait for, if not stopped yet

    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    QThread *thread() { return &m_thread; }
    QObject *context() const { return m_context; } // lives on the thread: what work is queued to

    // Runs `work` on the thread and waits for it: for setting things up before anything is
    // asked of them. Never call it from the thread itself.
    void runAndWait(const std::function<void()> &work);

    // On the host's thread. Returns true when the drain finished within `bound`. Past it, says so
    // in the log and keeps waiting: work left running on a thread that is gone would touch freed
    // memory, which is worse than a late quit.
    bool stop(const Drain &drain, std::chrono::milliseconds bound = std::chrono::seconds(10));
    bool isStopped() const { return m_stopped; }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
    bool m_stopped = false;
};

} // namespace rag
