// One answer from request to last byte, in any dialect (AnswerFormat): asks the chat engine and
// writes its answer as a body or as SSE events while it streams (docs/serve.md). Errors before
// the first event are HTTP errors (503 with Retry-After under overload); after it, an error event
// ends the stream. The client going away cancels the answer and every provider call it made.
#pragma once

#include "chat/chat_engine.h"
#include "net/http_server.h"
#include "serve/answer_format.h"

#include <QPointer>

#include <chrono>
#include <functional>
#include <memory>

namespace rag::serve {

struct ExchangeOptions {
    bool stream = false;
    CancelTokenPtr cancel;        // the server's drain cancels through it too
    std::function<void()> ended;  // called once, last, on the engine thread
};

// A coroutine on the engine thread; the caller need not keep the task. `ask.cancel` is replaced
// by options.cancel.
QCoro::Task<void> answerOverHttp(chat::ChatEngine *engine, chat::AskOptions ask, std::shared_ptr<AnswerFormat> format,
                                 QPointer<net::HttpResponder> responder, ExchangeOptions options);

} // namespace rag::serve
