#include "loadtest/remote_target.h"

#include "metrics/request_trace.h"
#include "providers/http/provider_http_client.h"
#include "providers/wire/chat_stream_decoder.h"
#include "providers/wire/sse_parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>

namespace rag::loadtest {

using metrics::RequestTrace;
using providers::HttpError;

namespace {

// Kept of a reply that produced no event: RAGFlow answers some errors with plain JSON, not SSE.
constexpr qsizetype kMaxRawReply = 64 * 1024;

QString errorKindOf(const providers::HttpOutcome &outcome)
{
    switch (outcome.error) {
    case HttpError::Status:
        return QStringLiteral("http_%1").arg(outcome.status);
    case HttpError::Timeout:
    case HttpError::Inactivity:
        return QStringLiteral("timeout");
    case HttpError::Cancelled:
        return QStringLiteral("cancelled");
    case HttpError::Connect:
        return QStringLiteral("connect");
    case HttpError::Overloaded:
        return QStringLiteral("overloaded");
    case HttpError::Tls:
        return QStringLiteral("tls");
    case HttpError::None:
    case HttpError::Network:
    case HttpError::Stopped:
        break;
    }
    return QStringLiteral("network");
}

// Decodes one streamed answer into content deltas, whichever protocol; shared by nothing else.
class Exchange {
public:
    explicit Exchange(TargetKind kind)
    {
        if (kind == TargetKind::OpenAi)
            m_openAi = providers::ChatStreamDecoder::create(providers::ProviderKind::OpenAiCompatible);
    }

    bool onData(QByteArrayView bytes)
    {
        if (m_raw.size() < kMaxRawReply)
            m_raw.append(bytes.data(), std::min(bytes.size(), kMaxRawReply - m_raw.size()));
        if (m_openAi) {
            auto deltas = m_openAi->feed(bytes);
            if (!deltas)
                return stop(QStringLiteral("malformed"), deltas.error());
            for (const providers::ChatDelta &delta : *deltas) {
                content(delta.content);
                m_answer += delta.content;
            }
            return true;
        }
        for (const providers::SseEvent &event : m_sse.feed(bytes)) {
            if (!ragFlowEvent(event.data))
                return false;
        }
        return true;
    }

    // The HTTP call ended with `outcome`: the request's fate.
    void finish(const providers::HttpOutcome &outcome, RemoteOutcome &out)
    {
        out.firstChunkNs = m_firstChunkNs;
        out.chunks = m_chunks;
        out.answer = m_answer;
        if (!m_errorKind.isEmpty()) {
            out.errorKind = m_errorKind;
            out.message = m_message;
            return;
        }
        if (!outcome.ok()) {
            out.errorKind = errorKindOf(outcome);
            out.cancelled = outcome.error == HttpError::Cancelled;
            out.message = outcome.message;
            if (outcome.error == HttpError::Status)
                out.message += QLatin1Char(' ') + QString::fromUtf8(outcome.body.left(300));
            return;
        }
        if (m_openAi) {
            if (auto ended = m_openAi->finish(); !ended) {
                out.errorKind = QStringLiteral("malformed");
                out.message = ended.error();
                return;
            }
        } else if (!m_ragFlowDone) {
            (void)m_sse.finish();
            // No event at all and a JSON body: RAGFlow's way of refusing (bad chat id, bad key).
            const QJsonObject plain = QJsonDocument::fromJson(m_raw).object();
            if (!m_sawEvent && plain.contains(QLatin1String("code")) && plain.value(QLatin1String("code")).toInt() != 0) {
                out.errorKind = QStringLiteral("ragflow_%1").arg(plain.value(QLatin1String("code")).toInt());
                out.message = plain.value(QLatin1String("message")).toString();
                return;
            }
            out.errorKind = QStringLiteral("malformed");
            out.message = QStringLiteral("the stream ended without its final {\"code\":0,\"data\":true}");
            return;
        }
        out.ok = true;
    }

private:
    bool stop(QString kind, QString message)
    {
        m_errorKind = std::move(kind);
        m_message = std::move(message);
        return false; // stops reading: the request has failed
    }

    void content(const QString &text)
    {
        if (text.isEmpty())
            return; // role-only or final events carry no text and must not count as the first chunk
        if (m_firstChunkNs < 0)
            m_firstChunkNs = RequestTrace::nowNs();
        ++m_chunks;
    }

    bool ragFlowEvent(const QString &data)
    {
        m_sawEvent = true;
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(data.toUtf8(), &parseError);
        if (!doc.isObject())
            return stop(QStringLiteral("malformed"), QStringLiteral("an event is not a JSON object: %1").arg(parseError.errorString()));
        const QJsonObject event = doc.object();
        if (const int code = event.value(QLatin1String("code")).toInt(); code != 0)
            return stop(QStringLiteral("ragflow_%1").arg(code), event.value(QLatin1String("message")).toString());
        const QJsonValue payload = event.value(QLatin1String("data"));
        if (payload.isBool()) {
            m_ragFlowDone = payload.toBool();
            return true;
        }
        const QString answer = payload.toObject().value(QLatin1String("answer")).toString();
        if (const QString session = payload.toObject().value(QLatin1String("session_id")).toString(); !session.isEmpty())
            m_sessionId = session;
        // RAGFlow repeats the whole answer so far; a server sending deltas instead is handled too.
        if (answer.startsWith(m_answer)) {
            content(answer.mid(m_answer.size()));
            m_answer = answer;
        } else {
            content(answer);
            m_answer += answer;
        }
        return true;
    }

public:
    QString sessionId() const { return m_sessionId; }

private:
    std::unique_ptr<providers::ChatStreamDecoder> m_openAi;
    QString m_sessionId; // RAGFlow: the session the answer belongs to
    providers::SseParser m_sse;
    QString m_answer;
    QByteArray m_raw;
    bool m_sawEvent = false;
    bool m_ragFlowDone = false;
    qint64 m_firstChunkNs = -1;
    int m_chunks = 0;
    QString m_errorKind;
    QString m_message;
};

} // namespace

Result<std::unique_ptr<RemoteTarget>> RemoteTarget::create(const TargetSpec &spec, int maxConnections,
                                                           RemoteTimeouts timeouts)
{
    if (spec.kind == TargetKind::Embedded)
        return fail(QStringLiteral("the embedded engine is not a remote target"));
    QString key = spec.apiKey;
    if (key.isEmpty() && !spec.apiKeyEnv.isEmpty()) {
        key = qEnvironmentVariable(spec.apiKeyEnv.toUtf8().constData());
        if (key.isEmpty())
            return fail(QStringLiteral("target.api_key_env: the environment variable %1 is not set").arg(spec.apiKeyEnv));
    }
    const int connections = std::clamp(maxConnections, 1, 1024);
    return std::unique_ptr<RemoteTarget>(new RemoteTarget(spec, key, connections, timeouts));
}

RemoteTarget::RemoteTarget(TargetSpec spec, QString key, int maxConnections, RemoteTimeouts timeouts)
    : m_spec(std::move(spec))
    , m_timeouts(timeouts)
{
    providers::HttpClientConfig config;
    config.name = m_spec.kind == TargetKind::OpenAi ? QStringLiteral("loadtest-openai") : QStringLiteral("loadtest-ragflow");
    config.maxConnections = maxConnections;
    config.http2 = m_spec.http2;
    // A load test measures the server as it is: a retry would hide a failure and skew latencies.
    config.retry.maxAttempts = 1;
    m_client = std::make_unique<providers::ProviderHttpClient>(config);
    if (!key.isEmpty())
        m_client->setApiKey(key);
}

RemoteTarget::~RemoteTarget() = default;

QString RemoteTarget::endpoint() const
{
    QString url = m_spec.url;
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (m_spec.kind == TargetKind::RagFlow)
        return url + QStringLiteral("/api/v1/chats/%1/completions").arg(m_spec.chatId);
    if (!url.endsWith(QLatin1String("/chat/completions")))
        url += QStringLiteral("/chat/completions");
    return url;
}

QStringList RemoteTarget::secrets() const
{
    return m_client->secrets();
}

QCoro::Task<RemoteOutcome> RemoteTarget::ask(QString question, CancelTokenPtr cancel, RemoteConversation *conversation)
{
    RemoteOutcome out;
    try {
        QJsonObject body{{QStringLiteral("stream"), true}};
        const QJsonObject asked{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), question}};
        if (m_spec.kind == TargetKind::OpenAi) {
            body.insert(QStringLiteral("model"), m_spec.model);
            QJsonArray messages = conversation ? conversation->messages : QJsonArray{};
            messages.append(asked);
            body.insert(QStringLiteral("messages"), messages);
        } else {
            body.insert(QStringLiteral("question"), question);
            if (conversation && !conversation->sessionId.isEmpty())
                body.insert(QStringLiteral("session_id"), conversation->sessionId);
        }
        providers::WireRequest request;
        request.url = QUrl(endpoint());
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        // On the heap: the options' onData refers to it while the call runs.
        auto exchange = std::make_unique<Exchange>(m_spec.kind);
        Exchange *decoding = exchange.get();
        providers::HttpCallOptions options;
        options.deadline = m_timeouts.firstByte;
        options.deadlineCoversBody = false;
        options.inactivity = m_timeouts.inactivity;
        options.cancel = cancel;
        options.onData = [decoding](QByteArrayView bytes) { return decoding->onData(bytes); };
        const providers::HttpOutcome outcome = co_await m_client->post(request, options);
        exchange->finish(outcome, out);
        if (!out.ok && cancel && cancel->isCancelled()) {
            out.cancelled = true;
            out.errorKind = QStringLiteral("cancelled");
        }
        if (out.ok && conversation) {
            conversation->messages.append(asked);
            conversation->messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), out.answer}});
            if (!exchange->sessionId().isEmpty())
                conversation->sessionId = exchange->sessionId();
        }
    } catch (const std::exception &e) {
        // QCoro 0.8 drops exceptions escaping a coroutine: report them as the request's failure.
        out = RemoteOutcome{};
        out.errorKind = QStringLiteral("error");
        out.message = QString::fromUtf8(e.what());
    }
    out.endNs = RequestTrace::nowNs();
    co_return out;
}

} // namespace rag::loadtest
