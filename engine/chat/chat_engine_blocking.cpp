// The blocking baseline of ChatEngine: a request waits for a thread of the bounded blocking pool,
// then runs the same stages as an async one (chat_engine_stages.cpp) synchronously on it, as
// servers that wrap retrieval and provider calls in an executor do. Only the deltas travel back
// to the engine thread, through the same coalescer as async answers.
#include "chat/chat_engine.h"

#include "chat/chat_engine_request.h"

#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

#include <optional>

namespace rag::chat {

using metrics::Stage;

namespace {

// QCoro::waitFor wants a default-constructible result; Result<T> has none.
QCoro::Task<void> into(QCoro::Task<Result<AskResult>> stages, std::optional<Result<AskResult>> *out)
{
    out->emplace(co_await std::move(stages));
}

} // namespace

QCoro::Task<Result<AskResult>> ChatEngine::runBlocking(std::shared_ptr<Request> request)
{
    ++m_blockingQueued;
    m_statistics.enter(Stage::Admission);
    // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries' captures twice.
    auto running = QtConcurrent::run(&m_blockingPool, [this, request]() -> Result<AskResult> {
        // Waiting for a pool thread is this mode's admission.
        --m_blockingQueued;
        m_statistics.leave(Stage::Admission);
        request->trace.mark(Stage::Admission);
        if (request->stopped())
            return stopped(*request, QStringLiteral("admission"));
        // Every stage completes before it returns on this thread, so this does not wait on an
        // event loop; it only collects what the stages (chat_engine_stages.cpp) produced.
        std::optional<Result<AskResult>> outcome;
        QCoro::waitFor(into(runStages(request), &outcome));
        return std::move(*outcome);
    });
    auto outcome = co_await running;
    co_return outcome;
}

} // namespace rag::chat
