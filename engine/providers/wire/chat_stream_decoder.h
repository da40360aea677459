// Incremental decoders for streamed chat replies. Bytes go in as they arrive, split anywhere;
// deltas come out. OpenAI-compatible streams are SSE (SseParser) ending with `data: [DONE]`;
// Ollama streams are newline-delimited JSON ending with an object whose "done" is true.
#pragma once

#include "core/result.h"
#include "providers/provider_kind.h"
#include "providers/wire/chat_wire.h"

#include <QByteArrayView>
#include <QList>

#include <memory>

namespace rag::providers {

struct ChatDelta {
    // Never both empty: chunks without text (role-only, finish, usage) produce no delta, so the
    // first delta is the first text (time to first chunk).
    QString content;
    QString reasoning; // reasoning_content (OpenAI-compatible) or message.thinking (Ollama)
};

class ChatStreamDecoder {
public:
    virtual ~ChatStreamDecoder() = default;

    // The deltas these bytes complete; an error for a malformed event or an error object sent
    // inside the stream (the provider's message is kept).
    virtual Result<QList<ChatDelta>> feed(QByteArrayView bytes) = 0;
    // The stream ended: an error if it stopped before its terminator ([DONE] / "done": true).
    virtual Result<void> finish() = 0;

    virtual bool done() const = 0; // the terminator was seen
    virtual QString finishReason() const = 0;
    virtual std::optional<ChatUsage> usage() const = 0;

    static std::unique_ptr<ChatStreamDecoder> create(ProviderKind kind);
};

} // namespace rag::providers
