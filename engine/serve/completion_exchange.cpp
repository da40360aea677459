#include "serve/completion_exchange.h"

#include <memory>

namespace rag::serve {

namespace {

// What the delta sink and the coroutine share: the sink may be kept by the engine's request a
// moment longer than the coroutine's frame.
struct StreamState {
    QPointer<net::HttpResponder> responder;
    CompletionIdentity identity;
    bool begun = false;

    void begin()
    {
        if (begun || !responder)
            return;
        begun = true;
        // X-Accel-Buffering: a reverse proxy (nginx) passes each event on at once.
        responder->beginStream(200, "text/event-stream; charset=utf-8",
                               {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
    }

    void write(const QByteArray &bytes)
    {
        begin();
        if (responder)
            responder->writeChunk(bytes);
    }
};

} // namespace

QCoro::Task<void> answerCompletion(chat::ChatEngine *engine, CompletionRequest request,
                                   QPointer<net::HttpResponder> responder, ExchangeOptions options)
{
    const auto state = std::make_shared<StreamState>();
    state->responder = responder;
    state->identity = CompletionIdentity::create(request.model);

    chat::AskOptions ask;
    ask.question = request.question;
    ask.assistant = request.model;
    ask.history = request.history;
    ask.save = false; // an OpenAI client keeps the conversation and sends it whole each time
    ask.deadline = options.deadline;
    ask.cancel = options.cancel ? options.cancel : CancelToken::create();
    if (responder) {
        QObject::connect(responder, &net::HttpResponder::closed, responder,
                         [cancel = ask.cancel] { cancel->cancel(); });
    }

    const bool stream = request.stream;
    const chat::DeltaSink sink = [state, stream](const QString &delta) {
        if (stream)
            state->write(deltaEvent(state->identity, delta, !state->begun));
    };
    // Named before it is awaited: GCC 12 destroys the temporaries of a co_await expression twice.
    auto asking = engine->ask(ask, sink);
    const Result<chat::AskResult> answered = co_await asking;

    if (responder && responder->isOpen()) {
        if (!answered) {
            const ApiError error = errorFromAnswer(answered.error(), request.model);
            if (state->begun) {
                responder->writeChunk(errorEvent(error));
                responder->endStream();
            } else {
                respondError(responder, error);
            }
        } else if (request.stream) {
            state->write(finalEvents(state->identity, *answered, request.includeUsage));
            responder->endStream();
        } else {
            responder->respond(200, "application/json", completionBody(state->identity, *answered));
        }
    }
    if (options.ended)
        options.ended();
}

} // namespace rag::serve
