#include "core/worker_thread.h"

#include "core/logging.h"

#include <QDeadlineTimer>
#include <QMetaObject>

namespace rag {

WorkerThread::WorkerThread(const QString &name)
{
    m_thread.setObjectName(name);
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

WorkerThread::~WorkerThread()
{
    if (!m_stopped)
        stop([](const std::function<void()> &done) { done(); });
}

void WorkerThread::runAndWait(const std::function<void()> &work)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
}

bool WorkerThread::stop(const Drain &drain, std::chrono::milliseconds bound)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    if (m_stopped)
        return true;
    m_stopped = true;
    QObject *context = m_context;
    QThread *thread = &m_thread;
    QMetaObject::invokeMethod(context, [drain, context, thread] {
        drain([context, thread] {
            // Posted: `done` may be called from inside the very work it waited for.
            QMetaObject::invokeMethod(context, [context, thread] {
                delete context;
                thread->quit();
            }, Qt::QueuedConnection);
        });
    }, Qt::QueuedConnection);
    if (m_thread.wait(QDeadlineTimer(bound)))
        return true;
    qCWarning(lcCore).noquote() << QStringLiteral("the %1 thread did not drain within %2 ms; waiting for it")
                                        .arg(m_thread.objectName())
                                        .arg(bound.count());
    m_thread.wait();
    return false;
}

} // namespace rag
