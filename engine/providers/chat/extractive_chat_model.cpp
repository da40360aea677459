#include "providers/chat/extractive_chat_model.h"

#include "text/token_counter.h"
#include "providers/builtin/extractive_answerer.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::providers {

namespace {

QStringList answerPieces(const QString &question, const QStringList &passages)
{
    const QList<ExtractedSentence> sentences = extractAnswer(question, passages);
    QStringList pieces;
    for (qsizetype i = 0; i < sentences.size(); ++i) {
        // Each piece is what formatExtractiveAnswer would print for it, so the streamed text
        // equals the formatted answer.
        const QString formatted = formatExtractiveAnswer({sentences.at(i)});
        pieces.append(i == 0 ? formatted : QLatin1Char(' ') + formatted);
    }
    return pieces;
}

ChatAnswer stream(const QStringList &pieces, const ChatDeltaSink &sink, const QElapsedTimer &clock,
                  const QString &question)
{
    ChatAnswer answer;
    answer.extractive = true;
    answer.attempts = 1;
    const QStringList texts = pieces.isEmpty() ? QStringList{ExtractiveChatModel::noAnswerText()} : pieces;
    for (const QString &text : texts) {
        if (answer.firstContentMicros < 0)
            answer.firstContentMicros = clock.nsecsElapsed() / 1000;
        answer.content += text;
        ++answer.deltas;
        if (sink)
            sink(ChatDelta{text, {}});
    }
    answer.finishReason = QStringLiteral("stop");
    ChatUsage usage;
    usage.promptTokens = text::countTokens(question);
    usage.completionTokens = text::countTokens(answer.content);
    usage.totalTokens = usage.promptTokens + usage.completionTokens;
    answer.usage = usage;
    answer.latencyMicros = clock.nsecsElapsed() / 1000;
    return answer;
}

} // namespace

ExtractiveChatModel::ExtractiveChatModel(QThreadPool *cpuPool)
    : m_pool(cpuPool)
{
}

QString ExtractiveChatModel::noAnswerText()
{
    return QStringLiteral("The knowledge base has no passage that answers this question.");
}

QCoro::Task<Result<ChatAnswer>> ExtractiveChatModel::complete(ChatRequest request, ChatDeltaSink sink)
{
    QElapsedTimer clock;
    clock.start();
    if (request.cancel && request.cancel->isCancelled())
        co_return fail(QStringLiteral("cancelled"));
    QFuture<QStringList> future = QtConcurrent::run(m_pool, answerPieces, request.question, request.passages);
    const QStringList pieces = co_await future;
    if (request.cancel && request.cancel->isCancelled())
        co_return fail(QStringLiteral("cancelled"));
    co_return stream(pieces, sink, clock, request.question);
}

Result<ChatAnswer> ExtractiveChatModel::completeBlocking(const ChatRequest &request, const ChatDeltaSink &sink)
{
    QElapsedTimer clock;
    clock.start();
    return stream(answerPieces(request.question, request.passages), sink, clock, request.question);
}

} // namespace rag::providers
