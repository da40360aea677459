// When to try a provider call again (docs/providers.md, "Deadlines and retries"): on connect
// errors, 429 (after its Retry-After), 502, 503 and 504, with exponential backoff and jitter, never
// past the deadline, and never once a stream has produced output.
#pragma once

#include "providers/http/http_call.h"

#include <QByteArray>

#include <chrono>
#include <optional>
#include <random>

namespace rag::providers {

struct RetryPolicy {
    int maxAttempts = 4;
    std::chrono::milliseconds baseDelay{100};
    std::chrono::milliseconds maxDelay{5'000};

    // The wait before the next attempt, or nullopt when the outcome is final. `attempt` counts
    // from 1 (the attempt that just ended); `remaining` is what is left of the deadline.
    std::optional<std::chrono::milliseconds> nextDelay(const HttpOutcome &outcome, const QByteArray &retryAfter,
                                                       int attempt, std::chrono::milliseconds remaining,
                                                       std::mt19937 &rng) const;
};

bool isRetryable(const HttpOutcome &outcome);

// Retry-After as delta-seconds or an HTTP-date; nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value);

} // namespace rag::providers
