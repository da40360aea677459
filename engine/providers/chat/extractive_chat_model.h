// The built-in "chat model" with no model: answers from the retrieved passages by extracting the
// sentences that best cover the question, cited as [ID:i], streamed one sentence per delta
// through the same path as a generated answer. Extraction runs on the CPU pool.
#pragma once

#include "providers/chat/chat_model.h"

class QThreadPool;

namespace rag::providers {

class ExtractiveChatModel : public ChatModel {
public:
    explicit ExtractiveChatModel(QThreadPool *cpuPool);

    QString name() const override { return QStringLiteral("extractive"); }
    QCoro::Task<Result<ChatAnswer>> complete(ChatRequest request, ChatDeltaSink sink) override;
    Result<ChatAnswer> completeBlocking(const ChatRequest &request, const ChatDeltaSink &sink) override;

    // What the answer says when no passage sentence shares a term with the question.
    static QString noAnswerText();

private:
    QThreadPool *m_pool;
};

} // namespace rag::providers
