#include "loadtest/load_test_host.h"

#include <QThread>

namespace rag::loadtest {

LoadTestHost::LoadTestHost(Workspace &workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
{
    qRegisterMetaType<LoadTestResult>();
    qRegisterMetaType<LoadProgress>();
    m_thread.setObjectName(QStringLiteral("loadtest"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

LoadTestHost::~LoadTestHost()
{
    stop();
    // Cancelled requests unwind within milliseconds, on a loop that must keep running meanwhile.
    while (m_jobs.load() > 0)
        QThread::msleep(5);
    m_thread.quit();
    m_thread.wait();
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
    // Posted to this host, which exists until m_jobs is back to 0; an event still queued when it
    // goes is dropped with it.
    QMetaObject::invokeMethod(this, [this, delivered] {
        m_running = false;
        emit finished(delivered);
    }, Qt::QueuedConnection);
    m_jobs.fetch_sub(1);
}

bool LoadTestHost::start(Scenario scenario, QuestionSet questions, LoadTestOptions options)
{
    if (m_running)
        return false;
    m_running = true;
    m_jobs.fetch_add(1);
    m_stop = CancelToken::create();
    QMetaObject::invokeMethod(m_context, [this, scenario = std::move(scenario), questions = std::move(questions),
                                          options = std::move(options), stop = m_stop]() mutable {
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
