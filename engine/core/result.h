// Result<T>: a value or an error message a user can act on.
// Expected failures (bad input, missing KB, unreadable file) travel as Result; exceptions do not.
// An error may carry its kind, set where the failure happens, so that callers (the load tester,
// serve's status codes) never classify failures by their wording (docs/reliability.md).
#pragma once

#include "core/error_kind.h"

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace rag {

struct Error {
    QString message;
    ErrorKind kind = ErrorKind::Unclassified;
    int httpStatus = 0; // for ErrorKind::ProviderHttp
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const QString &error() const { return std::get<Error>(m_state).message; }
    const Error &failure() const { return std::get<Error>(m_state); }
    ErrorKind errorKind() const { return failure().kind; }

private:
    std::variant<T, Error> m_state;
};

// Result<void>: success or an error message.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error->message; }
    const Error &failure() const { return *m_error; }
    ErrorKind errorKind() const { return m_error->kind; }

private:
    std::optional<Error> m_error;
};

inline Error fail(QString message) { return Error{std::move(message)}; }
inline Error fail(QString message, ErrorKind kind) { return Error{std::move(message), kind}; }
// Another failure told in other words: its kind (and status) are kept.
inline Error failAs(const Error &cause, QString message)
{
    return Error{std::move(message), cause.kind, cause.httpStatus};
}

} // namespace rag
