// A remote RAG endpoint as a load-test target: sends one question and streams the answer from an
// OpenAI-compatible chat-completions URL or a RAGFlow chat, timing the first content and the end.
// Calls are coroutines on the owning thread over a pooled ProviderHttpClient: no thread waits.
#pragma once

#include "core/cancel_token.h"
#include "core/result.h"
#include "loadtest/scenario.h"

#include <QJsonArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <qcoro/qcorotask.h>

#include <chrono>
#include <memory>

namespace rag::providers {
class ProviderHttpClient;
}

namespace rag::loadtest {

// One question's fate; times on RequestTrace::nowNs()'s clock.
struct RemoteOutcome {
    bool ok = false;
    bool cancelled = false;
    QString errorKind; // http_NNN, timeout, cancelled, connect, network, overloaded, malformed, ragflow_CODE
    QString message;   // for people; never holds the key
    qint64 firstChunkNs = -1; // first non-empty content
    int chunks = 0;           // non-empty content deltas
    qint64 endNs = 0;
    QString answer;           // the content as streamed (what a next turn has as history)
};

// A multi-turn session against a remote target, one per virtual user and session: the turns so
// far (OpenAI-compatible servers are stateless, so each request carries them) or the session id
// a RAGFlow chat gave its first answer (later questions name it and RAGFlow keeps the history).
struct RemoteConversation {
    QJsonArray messages;
    QString sessionId;
};

struct RemoteTimeouts {
    std::chrono::milliseconds firstByte{60'000}; // until the response starts
    std::chrono::milliseconds inactivity{60'000}; // longest gap while it streams
};

class RemoteTarget : public QObject {
    Q_OBJECT
public:
    // Reads the key from the environment variable `spec.apiKeyEnv` names (an error when it is
    // named but unset). `maxConnections` bounds requests in flight; the rest queue.
    static Result<std::unique_ptr<RemoteTarget>> create(const TargetSpec &spec, int maxConnections,
                                                        RemoteTimeouts timeouts = {});
    ~RemoteTarget() override;

    // On the thread that created the target. With a conversation, the question continues it, and
    // a successful answer is added to it (a failed one leaves it as it was).
    QCoro::Task<RemoteOutcome> ask(QString question, CancelTokenPtr cancel, RemoteConversation *conversation = nullptr);

    QString endpoint() const; // the URL requests go to (for the console)
    QStringList secrets() const; // what no report or log may show

private:
    RemoteTarget(TargetSpec spec, QString key, int maxConnections, RemoteTimeouts timeouts);

    TargetSpec m_spec;
    RemoteTimeouts m_timeouts;
    std::unique_ptr<providers::ProviderHttpClient> m_client;
};

} // namespace rag::loadtest
