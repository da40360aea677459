#include "providers/chat/http_chat_model.h"

#include "providers/http/provider_http_client.h"

#include <QElapsedTimer>

#include <memory>

namespace rag::providers {

namespace {
// Kept of a streamed reply in case it was not a stream after all (the non-streaming fallback).
constexpr qsizetype kMaxRawReply = 4 * 1024 * 1024;
} // namespace

// One request's decoding state, shared by the async and the blocking entry points.
class HttpChatModel::Exchange {
public:
    Exchange(const ProviderSettings &settings, const ChatRequest &request, ChatDeltaSink sink)
        : m_settings(settings)
        , m_decoder(ChatStreamDecoder::create(settings.kind))
        , m_sink(std::move(sink))
    {
        m_params.model = settings.model;
        m_params.messages = request.messages;
        m_params.temperature = request.temperature;
        m_params.maxTokens = request.maxTokens;
        m_params.stream = request.stream;
        // A stream's deadline is its first byte (docs/providers.md, "Deadlines and retries": 60 s);
        // then only stalls end it. A whole completion arrives at once, so the same budget bounds it.
        m_options.deadline = request.firstByteTimeout;
        m_options.deadlineCoversBody = !request.stream;
        m_options.inactivity = request.stream ? request.inactivityTimeout : std::chrono::milliseconds(0);
        m_options.cancel = request.cancel;
        if (request.stream)
            m_options.onData = [this](QByteArrayView bytes) { return onData(bytes); };
        m_clock.start();
    }

    WireRequest wireRequest() const { return buildChatRequest(m_settings.kind, m_settings.baseUrl, m_params); }
    const HttpCallOptions &options() const { return m_options; }

    Result<ChatAnswer> finish(const HttpOutcome &outcome)
    {
        m_answer.attempts = outcome.attempts;
        m_answer.latencyMicros = m_clock.nsecsElapsed() / 1000;
        if (!m_streamError.isEmpty())
            return fail(QStringLiteral("chat model '%1': %2").arg(m_settings.name, m_streamError), ErrorKind::Malformed);
        if (!outcome.ok())
            return callFailure(QStringLiteral("chat model '%1'").arg(m_settings.name), outcome);
        if (!m_params.stream)
            return fromCompletion(outcome.body);
        if (auto ended = m_decoder->finish(); !ended) {
            // Nothing decoded and the bytes are a plain completion: the server ignored "stream".
            if (m_answer.deltas == 0 && !m_raw.isEmpty()) {
                if (auto whole = fromCompletion(m_raw); whole)
                    return whole;
            }
            // The stream closed before its terminator: the provider cut it.
            return fail(QStringLiteral("chat model '%1': %2").arg(m_settings.name, ended.error()), ErrorKind::StreamCut);
        }
        m_answer.finishReason = m_decoder->finishReason();
        m_answer.usage = m_decoder->usage();
        return m_answer;
    }

private:
    bool onData(QByteArrayView bytes)
    {
        if (m_raw.size() < kMaxRawReply)
            m_raw.append(bytes.data(), bytes.size());
        auto deltas = m_decoder->feed(bytes);
        if (!deltas) {
            m_streamError = deltas.error();
            return false;
        }
        for (const ChatDelta &delta : *deltas)
            deliver(delta);
        return true;
    }

    void deliver(const ChatDelta &delta)
    {
        if (delta.content.isEmpty() && delta.reasoning.isEmpty())
            return; // role-only and usage chunks carry no text: they must not count as the first chunk
        if (!delta.content.isEmpty() && m_answer.firstContentMicros < 0)
            m_answer.firstContentMicros = m_clock.nsecsElapsed() / 1000;
        m_answer.content += delta.content;
        m_answer.reasoning += delta.reasoning;
        ++m_answer.deltas;
        if (m_sink)
            m_sink(delta);
    }

    Result<ChatAnswer> fromCompletion(const QByteArray &body)
    {
        auto completion = parseChatCompletion(m_settings.kind, body);
        if (!completion)
            return fail(QStringLiteral("chat model '%1': %2").arg(m_settings.name, completion.error()), ErrorKind::Malformed);
        deliver(ChatDelta{completion->content, completion->reasoning});
        m_answer.finishReason = completion->finishReason;
        m_answer.usage = completion->usage;
        m_answer.latencyMicros = m_clock.nsecsElapsed() / 1000;
        return m_answer;
    }

    ProviderSettings m_settings;
    ChatParams m_params;
    HttpCallOptions m_options;
    std::unique_ptr<ChatStreamDecoder> m_decoder;
    ChatDeltaSink m_sink;
    QElapsedTimer m_clock;
    ChatAnswer m_answer;
    QByteArray m_raw;
    QString m_streamError;
};

HttpChatModel::HttpChatModel(ProviderSettings settings, ProviderHttpClient *client)
    : m_settings(std::move(settings))
    , m_client(client)
{
}

QCoro::Task<Result<ChatAnswer>> HttpChatModel::complete(ChatRequest request, ChatDeltaSink sink)
{
    // On the heap: the options' onData refers to it while the call runs.
    auto exchange = std::make_unique<Exchange>(m_settings, request, std::move(sink));
    const HttpOutcome outcome = co_await m_client->post(exchange->wireRequest(), exchange->options());
    co_return exchange->finish(outcome);
}

Result<ChatAnswer> HttpChatModel::completeBlocking(const ChatRequest &request, const ChatDeltaSink &sink)
{
    Exchange exchange(m_settings, request, sink);
    const HttpOutcome outcome = m_client->postBlocking(exchange.wireRequest(), exchange.options());
    return exchange.finish(outcome);
}

} // namespace rag::providers
