// How one API dialect writes an answer (docs/serve.md): OpenAI's chat completion chunks or
// RAGFlow's events. The exchange (answer_exchange.h) does the I/O; a format only builds bytes.
#pragma once

#include "chat/ask_types.h"
#include "serve/api_error.h"

#include <QByteArray>

namespace rag::serve {

class AnswerFormat {
public:
    virtual ~AnswerFormat() = default;

    // Streamed: one event per coalesced delta, then the closing events.
    virtual QByteArray deltaEvent(const QString &delta) = 0;
    virtual QByteArray finalEvents(const chat::AskResult &result) = 0;
    // Not streamed: the whole response body.
    virtual QByteArray body(const chat::AskResult &result) = 0;
    // An error as a response body (before anything was sent) or as an event (mid-stream).
    virtual QByteArray errorBody(const ApiError &error) = 0;
    virtual QByteArray errorEvent(const ApiError &error) = 0;
    // What an engine error becomes in this dialect (an unknown assistant names its field).
    virtual ApiError errorFromAnswer(const Error &engineError) = 0;
};

} // namespace rag::serve
