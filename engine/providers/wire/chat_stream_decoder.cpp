#include "providers/wire/chat_stream_decoder.h"

#include "providers/wire/chat_json.h"
#include "providers/wire/sse_parser.h"

#include <QJsonArray>

#include <utility>

namespace rag::providers {

namespace {

// Shared bookkeeping: once a stream failed, it stays failed (later bytes cannot repair it), and
// once its terminator was seen, anything after it is ignored.
class DecoderBase : public ChatStreamDecoder {
public:
    explicit DecoderBase(ProviderKind kind) : m_what(kindName(kind) + QStringLiteral(" chat stream")) {}

    bool done() const override { return m_done; }
    QString finishReason() const override { return m_finishReason; }
    std::optional<ChatUsage> usage() const override { return m_usage; }

    // A failed stream stays failed; after its terminator, bytes are ignored. The formats only
    // decode what comes in between.
    Result<QList<ChatDelta>> feed(QByteArrayView bytes) final
    {
        if (!m_error.isEmpty())
            return fail(m_error);
        QList<ChatDelta> deltas;
        if (m_done)
            return deltas;
        if (auto ok = decode(bytes, deltas); !ok)
            return fail(ok.error());
        return deltas;
    }

    Result<void> finish() final
    {
        if (!m_error.isEmpty())
            return fail(m_error);
        return end();
    }

protected:
    virtual Result<void> decode(QByteArrayView bytes, QList<ChatDelta> &deltas) = 0;
    virtual Result<void> end() = 0; // the stream closed: an error unless its terminator was seen

    Error failWith(const QString &message)
    {
        m_error = m_what + QStringLiteral(": ") + message;
        return fail(m_error);
    }
    static void addDelta(QList<ChatDelta> &deltas, QString content, QString reasoning)
    {
        // Empty deltas (role-only, finish or usage chunks) are dropped so that the first delta
        // is the first text: time to first chunk must not count an empty one.
        if (!content.isEmpty() || !reasoning.isEmpty())
            deltas.append(ChatDelta{std::move(content), std::move(reasoning)});
    }

    QString m_what;
    QString m_error;
    bool m_done = false;
    QString m_finishReason;
    std::optional<ChatUsage> m_usage;
};

// OpenAI-compatible: SSE events whose data is a JSON chunk, then `data: [DONE]`.
class OpenAiSseDecoder final : public DecoderBase {
public:
    using DecoderBase::DecoderBase;

protected:
    Result<void> decode(QByteArrayView bytes, QList<ChatDelta> &deltas) override
    {
        for (const SseEvent &event : m_parser.feed(bytes)) {
            if (m_done)
                break;
            if (auto ok = handle(event, deltas); !ok)
                return ok;
        }
        return {};
    }

    Result<void> end() override
    {
        const bool cutMidEvent = m_parser.finish();
        if (!m_done) {
            return failWith(cutMidEvent ? QStringLiteral("ended in the middle of an event, before [DONE]")
                                        : QStringLiteral("ended before [DONE]"));
        }
        return {};
    }

private:
    Result<void> handle(const SseEvent &event, QList<ChatDelta> &deltas)
    {
        const QString data = event.data.trimmed();
        if (data == u"[DONE]") {
            m_done = true;
            return {};
        }
        const QByteArray json = data.toUtf8();
        if (event.type == u"error")
            return failWith(providerErrorMessage(json));
        auto doc = wire::parseJsonBody(json, QStringLiteral("event"));
        if (!doc)
            return failWith(doc.error());
        if (!doc->isObject())
            return failWith(QStringLiteral("event is not a JSON object: ") + wire::bodySnippet(json, 80));
        const QJsonObject chunk = doc->object();
        if (const QString error = wire::embeddedError(chunk); !error.isEmpty())
            return failWith(error);
        if (auto usage = wire::openAiUsage(chunk.value(QLatin1String("usage"))))
            m_usage = usage;
        // The usage chunk has "choices": [] and other chunks may have no choices: both are fine.
        const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
        if (choices.isEmpty())
            return {};
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
        const QJsonValue content = delta.value(QLatin1String("content"));
        if (!content.isString() && !content.isNull() && !content.isUndefined())
            return failWith(QStringLiteral("choices[0].delta.content is not a string"));
        addDelta(deltas, content.toString(), wire::optionalString(delta, "reasoning_content"));
        if (const QString reason = wire::optionalString(choice, "finish_reason"); !reason.isEmpty())
            m_finishReason = reason;
        return {};
    }

    SseParser m_parser;
};

// Ollama: one JSON object per line; the last has "done": true. Lines are assembled from bytes,
// so a chunk boundary inside a line or a UTF-8 sequence costs nothing: decoding waits for '\n'.
class OllamaNdjsonDecoder final : public DecoderBase {
public:
    using DecoderBase::DecoderBase;

protected:
    Result<void> decode(QByteArrayView bytes, QList<ChatDelta> &deltas) override
    {
        // Search only the new bytes for line ends: fed one byte at a time this stays linear.
        qsizetype from = m_pending.size();
        m_pending.append(bytes);
        qsizetype lineStart = 0;
        for (qsizetype nl = m_pending.indexOf('\n', from); nl >= 0; nl = m_pending.indexOf('\n', from)) {
            if (auto ok = handleLine(QByteArrayView(m_pending).sliced(lineStart, nl - lineStart), deltas); !ok)
                return ok;
            lineStart = nl + 1;
            from = lineStart;
            if (m_done)
                break;
        }
        m_pending.remove(0, lineStart);
        if (m_done)
            m_pending.clear();
        return {};
    }

    Result<void> end() override
    {
        if (!m_done && !m_pending.trimmed().isEmpty()) {
            // The last object may come without a newline before the connection closes.
            QList<ChatDelta> ignored;
            const QByteArray last = std::exchange(m_pending, {});
            if (auto ok = handleLine(last, ignored); !ok)
                return fail(ok.error());
        }
        if (!m_done)
            return failWith(QStringLiteral("ended before an object with \"done\": true"));
        return {};
    }

private:
    Result<void> handleLine(QByteArrayView raw, QList<ChatDelta> &deltas)
    {
        const QByteArray line = raw.trimmed().toByteArray(); // CRLF and blank lines are tolerated
        if (line.isEmpty())
            return {};
        auto doc = wire::parseJsonBody(line, QStringLiteral("line"));
        if (!doc)
            return failWith(doc.error());
        if (!doc->isObject())
            return failWith(QStringLiteral("line is not a JSON object: ") + wire::bodySnippet(line, 80));
        const QJsonObject object = doc->object();
        if (const QString error = wire::embeddedError(object); !error.isEmpty())
            return failWith(error);
        const QJsonObject message = object.value(QLatin1String("message")).toObject();
        addDelta(deltas, wire::optionalString(message, "content"), wire::optionalString(message, "thinking"));
        if (object.value(QLatin1String("done")).toBool()) {
            m_done = true;
            m_finishReason = wire::optionalString(object, "done_reason");
            if (m_finishReason.isEmpty()) // older Ollama versions send no done_reason
                m_finishReason = QStringLiteral("stop");
            m_usage = wire::ollamaUsage(object);
        }
        return {};
    }

    QByteArray m_pending;
};

} // namespace

std::unique_ptr<ChatStreamDecoder> ChatStreamDecoder::create(ProviderKind kind)
{
    if (kind == ProviderKind::Ollama)
        return std::make_unique<OllamaNdjsonDecoder>(kind);
    // Every other kind with chat speaks OpenAI's /chat/completions.
    return std::make_unique<OpenAiSseDecoder>(kind);
}

} // namespace rag::providers
