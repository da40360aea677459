// Request rates per API key (docs/serve.md, "Keys"): a token bucket per key that has a limit,
// refilled at its rate and holding at most one second of requests, so a client may burst up to
// its rate and then keeps to it. On the engine thread only.
#pragma once

#include <QElapsedTimer>
#include <QList>

#include <optional>

namespace rag::serve {

class KeyRateLimits {
public:
    // requestsPerSecond[i]: key i's limit; 0 or less: none.
    explicit KeyRateLimits(const QList<double> &requestsPerSecond = {});

    // Takes a request's token for key `index`; refused: the whole seconds until one is free
    // (at least 1, as Retry-After says it).
    std::optional<int> take(int index);
    // The same with the clock given (milliseconds since construction), for tests.
    std::optional<int> takeAt(int index, qint64 nowMs);

private:
    struct Bucket {
        double rate = 0;
        double tokens = 0;
        qint64 refilledMs = 0;
    };
    QList<Bucket> m_buckets;
    QElapsedTimer m_clock;
};

} // namespace rag::serve
