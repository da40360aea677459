#include "loadtest/load_test_host.h"

namespace rag::loadtest {

LoadTestHost::LoadTestHost(Workspace &workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
{
    qRegisterMetaType<LoadTestResult>();
    qRegisterMetaType<LoadProgress>();
}

LoadTestHost::~LoadTestHost()
{
    stop();
    // Cancelled requests unwind within milliseconds, on the worker's loop, which keeps running.
    m_worker.stop([this](const std::function<void()> &done) {
        if (m_jobs == 0)
            done();
        else
            m_drained = done;
    });
}

QCoro::Task<void> LoadTestHost::runJob(LoadTestJob *job, CancelTokenPtr stop)
{
    auto result = co_await job->run(stop);
    LoadTestResult delivered;
    delivered.ok = result.ok();
    if (result)
        delivered.outcome = std::move(*result);
    else
        delivered.error = result.error();
    delete job;
    // Posted to this host, which exists until the last job has unwound; an event still queued
    // when it goes is dropped with it.
    QMetaObject::invokeMethod(this, [this, delivered] {
        m_running = false;
        emit finished(delivered);
    }, Qt::QueuedConnection);
    if (--m_jobs == 0 && m_drained)
        m_drained();
}

bool LoadTestHost::start(Scenario scenario, QuestionSet questions, LoadTestOptions options)
{
    if (m_running)
        return false;
    m_running = true;
    m_stop = CancelToken::create();
    QMetaObject::invokeMethod(m_worker.context(), [this, scenario = std::move(scenario), questions = std::move(questions),
                                          options = std::move(options), stop = m_stop]() mutable {
        ++m_jobs;
        auto *job = new LoadTestJob(m_workspace, std::move(scenario), std::move(questions), std::move(options));
        // Queued: the host's thread gets values only, never the job's objects.
        connect(job, &LoadTestJob::status, this, &LoadTestHost::status, Qt::QueuedConnection);
        connect(job, &LoadTestJob::progress, this, &LoadTestHost::progress, Qt::QueuedConnection);
        runJob(job, stop);
    });
    return true;
}

void LoadTestHost::stop()
{
    if (m_stop)
        m_stop->cancel();
}

} // namespace rag::loadtest
