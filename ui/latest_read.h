// "Latest request wins" for reads the GUI starts off its thread (a search as the user types, the
// call log as filters change, a conversation as the selection moves): each run() supersedes the
// ones before it, whose results are dropped when they arrive. Results come through the event loop
// (a watcher, not QFuture::then(this, ...), which may run the continuation inside run() itself
// when the work has already finished).
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace rag::ui {

template <typename Result>
class LatestRead {
public:
    // `owner` receives the results on its thread; `pool` runs the work.
    LatestRead(QObject *owner, QThreadPool *pool) : m_owner(owner), m_pool(pool) {}

    template <typename Work, typename Done>
    QFuture<Result> run(Work work, Done done)
    {
        const quint64 mine = ++*m_generation;
        QFuture<Result> future = QtConcurrent::run(m_pool, std::move(work));
        auto *watcher = new QFutureWatcher<Result>(m_owner);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner,
                         [watcher, generation = m_generation, mine, done = std::move(done)] {
                             watcher->deleteLater();
                             if (mine == *generation) // a newer read is on its way: drop this one
                                 done(watcher->result());
                         });
        watcher->setFuture(future);
        return future;
    }

    void dropPending() { ++*m_generation; } // what is on its way is no longer wanted

private:
    QObject *m_owner;
    QThreadPool *m_pool;
    std::shared_ptr<quint64> m_generation = std::make_shared<quint64>(0);
};

} // namespace rag::ui
