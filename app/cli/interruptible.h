// A long job (ingestion, re-embedding) run on a pool thread while the main thread's event loop
// turns Ctrl-C into `cancel`: a signal handler may not take the locks that cancelling provider
// calls takes, the event loop may (interrupt_watcher.h).
#pragma once

#include "cli/interrupt_watcher.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>

namespace rag::cli {

template <typename Work>
std::invoke_result_t<Work> runInterruptible(Work work, std::function<void()> cancel)
{
    using R = std::invoke_result_t<Work>;
    const InterruptWatcher interrupt(std::move(cancel));
    // A thread of its own: the job's file preparation uses every thread of the global pool.
    QThreadPool jobThread;
    jobThread.setMaxThreadCount(1);
    QFuture<R> running = QtConcurrent::run(&jobThread, std::move(work));
    QFutureWatcher<R> watcher;
    QEventLoop loop;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(running);
    if (!running.isFinished())
        loop.exec();
    return running.result();
}

} // namespace rag::cli
