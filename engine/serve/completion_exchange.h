// One OpenAI chat completion from request to last byte: asks the chat engine and writes its
// answer as a JSON body or as SSE chunks while it streams (docs/serve.md). Errors before the first
// chunk are HTTP errors (503 with Retry-After under overload); after it, an error event ends the
// stream. The client going away cancels the answer and with it every provider call it made.
#pragma once

#include "chat/chat_engine.h"
#include "net/http_server.h"
#include "serve/openai_wire.h"

#include <QPointer>

#include <chrono>
#include <functional>

namespace rag::serve {

struct ExchangeOptions {
    std::chrono::milliseconds deadline{120'000};
    CancelTokenPtr cancel;        // the server's drain cancels through it too
    std::function<void()> ended;  // called once, last, on the engine thread
};

// A coroutine on the engine thread; the caller need not keep the task.
QCoro::Task<void> answerCompletion(chat::ChatEngine *engine, CompletionRequest request,
                                   QPointer<net::HttpResponder> responder, ExchangeOptions options);

} // namespace rag::serve
