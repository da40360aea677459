#include "providers/http/retry_policy.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace rag::providers {

using std::chrono::milliseconds;

bool isRetryable(const HttpOutcome &outcome)
{
    if (outcome.producedOutput)
        return false; // the caller already saw part of an answer: repeating it would duplicate text
    switch (outcome.error) {
    case HttpError::Connect:
        return true;
    case HttpError::Status:
        return outcome.status == 429 || outcome.status == 502 || outcome.status == 503 || outcome.status == 504;
    default:
        return false;
    }
}

std::optional<milliseconds> parseRetryAfter(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const double seconds = trimmed.toDouble(&isNumber);
    if (isNumber)
        return seconds < 0 ? milliseconds(0) : milliseconds(qint64(seconds * 1000));
    // RFC 9110 HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(trimmed), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!at.isValid())
        return std::nullopt;
    at.setTimeSpec(Qt::UTC);
    return milliseconds(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at)));
}

std::optional<milliseconds> RetryPolicy::nextDelay(const HttpOutcome &outcome, const QByteArray &retryAfter,
                                                   int attempt, milliseconds remaining, std::mt19937 &rng) const
{
    if (attempt >= maxAttempts || !isRetryable(outcome))
        return std::nullopt;
    // Full exponential step with jitter in [50%, 100%]: calls that failed together spread out.
    const qint64 step = std::min<qint64>(maxDelay.count(), baseDelay.count() << std::min(attempt - 1, 20));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    milliseconds delay(qint64(double(step) * jitter(rng)));
    if (outcome.status == 429) {
        if (const auto asked = parseRetryAfter(retryAfter))
            delay = std::max(delay, *asked); // the server knows when it will have room
    }
    if (delay >= remaining)
        return std::nullopt; // no time left to try again and still finish
    return delay;
}

} // namespace rag::providers
