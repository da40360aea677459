// One request's state inside ChatEngine (private to the chat library): what the async pipeline
// and the blocking baseline both work on.
#pragma once

#include "chat/chat_engine.h"
#include "chat/delta_coalescer.h"
#include "chat/pipeline_steps.h"
#include "metrics/request_trace.h"
#include "providers/chat/chat_model.h"
#include "providers/rerank/reranker.h"

#include <QTimer>

#include <atomic>
#include <memory>

namespace rag::chat {

struct DeleteLater {
    void operator()(QObject *object) const
    {
        if (object)
            object->deleteLater(); // a coroutine may finish inside one of its signals
    }
};

struct ChatEngine::Request {
    AskOptions options;
    DeltaSink sink;
    metrics::RequestTrace trace;
    CancelTokenPtr token; // the caller's cancel, plus the deadline
    std::atomic<bool> deadlineHit{false};
    std::unique_ptr<QTimer, DeleteLater> deadline;
    std::unique_ptr<DeltaCoalescer, DeleteLater> coalescer;
    LoadedContext context;
    AskResult result;
    // Async answers mark the first chunk when the coalescer hands it over (on the engine thread);
    // blocking ones when their pool thread hands it off, so only one thread writes the mark.
    bool markOnDelivery = true;

    explicit Request(const AskOptions &o) : options(o), trace(o.intendedStartNs > 0 ? metrics::RequestTrace(o.intendedStartNs) : metrics::RequestTrace()) {}

    bool stopped() const { return token->isCancelled(); }
    bool blocking() const { return options.mode == AskMode::Blocking; }

    // The answer's text as it comes, to the caller through the coalescer, which lives on the
    // engine thread: pushed there directly by async requests, posted by blocking ones (which
    // mark the first chunk as they hand it off).
    void pushDelta(const QString &text);
    void flushDeltas();

    // The pieces both modes build the same way.
    providers::RerankRequest rerankRequest(const QList<index::SearchHit> &candidates) const;
    // The rerank scores applied, or the hybrid order with the failure noted.
    QList<index::SearchHit> ranked(QList<index::SearchHit> candidates, const Result<providers::RerankResult> &scored);
    providers::ChatRequest chatRequest(const Prompt &prompt, const QList<index::SearchHit> &hits) const;
    void finishAnswer(const QString &answer, const QList<index::SearchHit> &hits);
    QJsonObject traceJson() const; // the trace so far, with how the answer came about
    AskResult toSave() const;      // the result with that trace
    std::chrono::milliseconds remaining() const
    {
        return std::max(std::chrono::milliseconds(1), options.deadline - std::chrono::milliseconds(qint64(trace.elapsedMs())));
    }
    // A provider call given what was left of the deadline may time out a moment before the
    // deadline's own (coarse) timer fires: that timeout is the deadline, and is noted as such.
    void noteTimeoutAtDeadline(ErrorKind failure)
    {
        if (failure == ErrorKind::Timeout && options.deadline.count() > 0
            && remaining() <= std::max(std::chrono::milliseconds(1), options.deadline / 20))
            deadlineHit = true;
    }
};

} // namespace rag::chat
