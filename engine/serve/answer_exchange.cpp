#include "serve/answer_exchange.h"

namespace rag::serve {

namespace {

// What the delta sink and the coroutine share: the sink may be kept by the engine's request a
// moment longer than the coroutine's frame.
struct StreamState {
    QPointer<net::HttpResponder> responder;
    std::shared_ptr<AnswerFormat> format;
    bool begun = false;

    void write(const QByteArray &bytes)
    {
        if (!responder)
            return;
        if (!begun) {
            begun = true;
            // node-fetch 2 (under the openai JS client 4 on Node 18) takes a chunked stream that
            // ended on a kept-alive socket for a "Premature close" when it arrived all at once;
            // a stream lasts seconds, so a new connection for the next one costs nothing.
            responder->closeAfterResponse();
            // X-Accel-Buffering: a reverse proxy (nginx) passes each event on at once.
            responder->beginStream(200, "text/event-stream; charset=utf-8",
                                   {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
        }
        responder->writeChunk(bytes);
    }
};

} // namespace

QCoro::Task<void> answerOverHttp(chat::ChatEngine *engine, chat::AskOptions ask, std::shared_ptr<AnswerFormat> format,
                                 QPointer<net::HttpResponder> responder, ExchangeOptions options)
{
    const auto state = std::make_shared<StreamState>();
    state->responder = responder;
    state->format = format;
    ask.cancel = options.cancel ? options.cancel : CancelToken::create();
    if (responder) {
        QObject::connect(responder, &net::HttpResponder::closed, responder,
                         [cancel = ask.cancel] { cancel->cancel(); });
    }
    const bool stream = options.stream;
    const chat::DeltaSink sink = [state, stream](const QString &delta) {
        if (stream)
            state->write(state->format->deltaEvent(delta));
    };
    // Named before it is awaited: GCC 12 destroys the temporaries of a co_await expression twice.
    auto asking = engine->ask(ask, sink);
    const Result<chat::AskResult> answered = co_await asking;

    if (responder && responder->isOpen()) {
        if (!answered) {
            const ApiError error = format->errorFromAnswer(answered.failure());
            if (state->begun) {
                responder->writeChunk(format->errorEvent(error));
                responder->endStream();
            } else {
                responder->respond(error.status, "application/json", format->errorBody(error), errorHeaders(error));
            }
        } else if (stream) {
            state->write(format->finalEvents(*answered));
            responder->endStream();
        } else {
            responder->respond(200, "application/json", format->body(*answered));
        }
    }
    if (options.ended)
        options.ended();
}

} // namespace rag::serve
