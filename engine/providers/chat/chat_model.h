// A model that answers a conversation, streaming: the interface of every chat provider and of the
// built-in extractive answerer. Deltas reach the sink as they arrive (on the calling thread for
// the async entry point); the returned answer is the whole text with usage and timing.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"
#include "providers/wire/chat_stream_decoder.h"
#include "providers/wire/chat_wire.h"

#include <QStringList>

#include <qcoro/qcorotask.h>

#include <chrono>
#include <functional>
#include <optional>

namespace rag::providers {

struct ChatRequest {
    QList<ChatMessage> messages; // system prompt with the knowledge, history, the question
    QString question;            // the question alone and the passages alone: what the
    QStringList passages;        // extractive answerer reads instead of the prompt
    double temperature = 0.1;
    int maxTokens = 512;
    bool stream = true;
    std::chrono::milliseconds firstByteTimeout{60'000};
    std::chrono::milliseconds inactivityTimeout{30'000};
    CancelTokenPtr cancel;
};

struct ChatAnswer {
    QString content;
    QString reasoning;
    QString finishReason;
    std::optional<ChatUsage> usage;
    qint64 firstContentMicros = -1; // from the call to the first non-empty content delta
    qint64 latencyMicros = 0;
    int deltas = 0;
    int attempts = 0;
    bool extractive = false; // built from the passages, not generated
};

using ChatDeltaSink = std::function<void(const ChatDelta &delta)>;

class ChatModel {
public:
    virtual ~ChatModel() = default;

    virtual QString name() const = 0;
    virtual QCoro::Task<Result<ChatAnswer>> complete(ChatRequest request, ChatDeltaSink sink) = 0;
    virtual Result<ChatAnswer> completeBlocking(const ChatRequest &request, const ChatDeltaSink &sink) = 0;
};

} // namespace rag::providers
