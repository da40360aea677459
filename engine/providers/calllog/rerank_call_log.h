// The rerank call log: every rerank call, async or blocking, retried or not, lands here. record()
// returns at once from any thread; a writer thread of its own stores batches in the database, at
// most one commit per 250 ms, and keeps at most `retention` rows, so logging never slows a call,
// nor the searches reading the same database, nor grows without bound.
#pragma once

#include "store/provider_records.h"

#include <QList>
#include <QMap>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>

#include <memory>

namespace rag::store {
class Database;
}

namespace rag::providers {

// A call's bodies as they went over the wire, with the secrets to strip from them. The writer
// thread redacts and caps them (docs/providers.md), so a call does not pay for its own logging on the
// thread that serves every request.
struct RerankCallBodies {
    QByteArray request;
    QByteArray response;
    QStringList secrets;
};

// Calls recorded since the log was created, by provider and outcome (for /metrics).
struct RerankCallCount {
    QString provider;
    bool ok = false;
    qint64 calls = 0;
};

class RerankCallLog {
public:
    explicit RerankCallLog(std::shared_ptr<store::Database> database, qint64 retention = 10'000);
    ~RerankCallLog(); // writes what is pending

    void record(store::RerankCallRecord call, RerankCallBodies bodies = {});
    void flush(); // blocks until everything recorded so far is stored

    qint64 retention() const { return m_retention; }
    // How a record names the thread a call ran on: its object name, else its id.
    static QString currentThreadLabel();
    qint64 dropped() const; // calls that could not be stored (database errors), for the monitor
    QList<RerankCallCount> counts() const; // by provider, then failures after successes

private:
    struct Pending {
        store::RerankCallRecord call;
        RerankCallBodies bodies;
    };
    void drain();

    std::shared_ptr<store::Database> m_database;
    qint64 m_retention;
    QThreadPool m_writer;
    mutable QMutex m_mutex;
    QWaitCondition m_idle;
    QWaitCondition m_wake;  // ends the writer's pause between commits
    int m_flushes = 0;      // flush() calls waiting: the writer does not pause for them
    static constexpr int kCommitSpacingMs = 250;
    QList<Pending> m_pending;
    bool m_draining = false;
    qint64 m_written = 0;
    qint64 m_dropped = 0;
    QMap<std::pair<QString, bool>, qint64> m_counts;
};

} // namespace rag::providers
