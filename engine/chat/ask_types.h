// What a caller asks of the chat engine and what comes back: plain values, safe across threads.
#pragma once

#include "core/cancel_token.h"
#include "providers/wire/chat_wire.h"
#include "store/chat_records.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <chrono>
#include <functional>

namespace rag::chat {

enum class AskMode {
    Async,    // one coroutine on the engine thread; no thread waits on I/O
    Blocking, // the same stages synchronously on a pool thread: the measured baseline
};

struct AskOptions {
    QString question;
    QString assistant;           // an assistant's name; empty: `adHoc` (ask KB QUESTION)
    store::AssistantSpec adHoc;  // used when `assistant` is empty
    qint64 conversationId = 0;   // continue this conversation; 0: start one
    // Earlier turns the caller keeps itself (an OpenAI client sends the whole conversation each
    // time), oldest first; used only when conversationId is 0.
    QList<providers::ChatMessage> history;
    bool save = true;            // store the exchange (ad-hoc questions need no conversation)
    AskMode mode = AskMode::Async;
    std::chrono::milliseconds deadline{120'000}; // the whole request
    CancelTokenPtr cancel;                       // Stop, or the caller went away
    qint64 intendedStartNs = 0; // a load test's intended start (RequestTrace clock); 0: now
};

struct AskResult {
    QString answer;                          // with citations repaired or inserted
    QList<store::ChatReference> references;  // the passages given to the model, numbered
    QJsonObject trace;                       // stage -> ms (metrics::RequestTrace::toJson)
    double ttfcMs = -1;                      // to the first content chunk, from the (intended) start
    qint64 conversationId = 0;               // 0 when not saved
    bool extractive = false;                 // answered from the passages, not generated
    bool emptyResponse = false;              // nothing retrieved: the assistant's empty_response
    bool rerankFallback = false;             // the reranker failed: hybrid order used
    QString rerankError;
    qint64 promptTokens = 0;     // as the model reported them, else counted by the engine
    qint64 completionTokens = 0;
};

// Coalesced text deltas of the answer, in order, on the thread that asked.
using DeltaSink = std::function<void(const QString &delta)>;

} // namespace rag::chat

Q_DECLARE_METATYPE(rag::chat::AskResult)
