// Runs load tests on a thread of its own for a caller that must never wait, the GUI: start()
// returns at once, progress and the outcome arrive as queued signals carrying values, and
// virtual users, the engine under test and the simulator's pipes all live on the host's thread.
#pragma once

#include "core/cancel_token.h"
#include "core/worker_thread.h"
#include "loadtest/load_test_job.h"

#include <QMetaType>
#include <QObject>

#include <qcoro/qcorotask.h>

#include <functional>

namespace rag {
class Workspace;
}

namespace rag::loadtest {

struct LoadTestResult {
    bool ok = false;
    QString error;           // when !ok: nothing was measured
    LoadTestOutcome outcome; // when ok (outcome.stopped when stop() cut it short)
};

class LoadTestHost : public QObject {
    Q_OBJECT
public:
    // The workspace must outlive the host.
    explicit LoadTestHost(Workspace &workspace, QObject *parent = nullptr);
    ~LoadTestHost() override; // stops a run and waits for it to unwind (core/worker_thread.h)

    // False (and nothing happens) while a run is going.
    bool start(Scenario scenario, QuestionSet questions, LoadTestOptions options = {});
    void stop(); // the run ends early; what finished is still reported
    bool isRunning() const { return m_running; }

signals:
    void status(const QString &line);
    void progress(const rag::loadtest::LoadProgress &progress);
    void finished(const rag::loadtest::LoadTestResult &result);

private:
    QCoro::Task<void> runJob(LoadTestJob *job, CancelTokenPtr stop); // on the worker thread

    Workspace &m_workspace;
    WorkerThread m_worker{QStringLiteral("loadtest")};
    CancelTokenPtr m_stop;
    bool m_running = false; // on the host's thread: from start() until finished() is emitted
    // On the worker thread: jobs not yet unwound, and what to call when the last one has.
    int m_jobs = 0;
    std::function<void()> m_drained;
};

} // namespace rag::loadtest

Q_DECLARE_METATYPE(rag::loadtest::LoadTestResult)
