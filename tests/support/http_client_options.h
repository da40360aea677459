// A provider HTTP client's settings as the client suites use them: short retry delays, so that
// retries show within a test's time, and a deadline per call.
#pragma once

#include "providers/http/provider_http_client.h"

#include <chrono>

namespace rag::test {

inline providers::HttpClientConfig clientConfig(const QString &name, int maxConnections = 32)
{
    providers::HttpClientConfig c;
    c.name = name;
    c.maxConnections = maxConnections;
    c.retry.baseDelay = std::chrono::milliseconds(20);
    return c;
}

inline providers::HttpCallOptions within(std::chrono::milliseconds deadline)
{
    providers::HttpCallOptions o;
    o.deadline = deadline;
    return o;
}

} // namespace rag::test
