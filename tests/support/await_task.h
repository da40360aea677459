// Runs a coroutine to its end from a test, on the test thread's event loop. QCoro 0.8's waitFor()
// needs a default-constructible result, which Result<T> is not; this keeps the value in an
// optional instead.
#pragma once

#include <qcoro/qcorotask.h>

#include <optional>
#include <utility>

namespace rag::test {

namespace detail {
template <typename T>
QCoro::Task<void> storeResult(QCoro::Task<T> task, std::optional<T> *out)
{
    out->emplace(co_await std::move(task));
}
} // namespace detail

template <typename T>
T await(QCoro::Task<T> task)
{
    std::optional<T> result;
    QCoro::waitFor(detail::storeResult(std::move(task), &result));
    return std::move(*result);
}

} // namespace rag::test
