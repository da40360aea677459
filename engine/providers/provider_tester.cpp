#include "providers/provider_tester.h"

#include "providers/calllog/rerank_call_log.h"
#include "providers/chat/chat_model.h"
#include "providers/embed/embedder.h"
#include "providers/provider_catalog.h"
#include "providers/provider_registry.h"
#include "providers/rerank/reranker.h"
#include "store/assistant_repository.h"
#include "store/database.h"
#include "store/provider_repository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QThreadPool>

#include <algorithm>

namespace rag::providers {

namespace {

QCoro::Task<void> rerankProbe(Reranker *reranker, ProviderTestReport *report)
{
    RerankRequest request;
    request.query = QStringLiteral("Why do sea otters hold hands?");
    request.documents = {QStringLiteral("Sea otters hold hands while they sleep so they do not drift apart."),
                         QStringLiteral("The stock market closed higher on Tuesday.")};
    auto result = co_await reranker->rerank(request);
    if (!result) {
        report->error = result.error();
        co_return;
    }
    report->ok = true;
    report->attempts = result->attempts;
    report->detail = QStringLiteral("%1 documents scored: %2, %3")
                         .arg(result->scores.size())
                         .arg(result->scores.value(0), 0, 'f', 3)
                         .arg(result->scores.value(1), 0, 'f', 3);
}

QCoro::Task<void> embedProbe(Embedder *embedder, ProviderTestReport *report)
{
    EmbedRequest request;
    request.texts = {QStringLiteral("Sea otters hold hands while they sleep.")};
    auto result = co_await embedder->embed(request);
    if (!result) {
        report->error = result.error();
        co_return;
    }
    report->ok = true;
    report->attempts = result->calls;
    report->detail = QStringLiteral("%1-dimensional vector").arg(result->vectors.empty() ? 0 : result->vectors.front().size());
}

QCoro::Task<void> chatProbe(ChatModel *model, ProviderTestReport *report)
{
    ChatRequest request;
    request.messages = {{QStringLiteral("user"), QStringLiteral("Say hello in five words.")}};
    request.question = request.messages.front().content;
    request.maxTokens = 16;
    const ChatDeltaSink ignoreDeltas;
    auto result = co_await model->complete(request, ignoreDeltas);
    if (!result) {
        report->error = result.error();
        co_return;
    }
    report->ok = true;
    report->attempts = result->attempts;
    report->detail = QStringLiteral("answered \"%1\"").arg(result->content.left(80));
}

} // namespace

QCoro::Task<ProviderTestReport> testProvider(ProviderRegistry &registry, QString name, QString capability)
{
    ProviderTestReport report;
    report.provider = name;
    QElapsedTimer clock;
    clock.start();
    if (capability.isEmpty()) {
        capability = QStringLiteral("rerank");
        const bool reranks = (co_await registry.reranker(name)).ok();
        const bool embeds = (co_await registry.embedder(name)).ok();
        if (!reranks && embeds)
            capability = QStringLiteral("embeddings");
        else if (!reranks && !embeds)
            capability = QStringLiteral("chat");
    }
    report.capability = capability;
    if (capability == QLatin1String("rerank")) {
        auto reranker = co_await registry.reranker(name);
        if (!reranker || !*reranker)
            report.error = reranker ? QStringLiteral("'none' does not rerank") : reranker.error();
        else
            co_await rerankProbe(*reranker, &report);
    } else if (capability == QLatin1String("embeddings")) {
        auto embedder = co_await registry.embedder(name);
        if (!embedder)
            report.error = embedder.error();
        else
            co_await embedProbe(*embedder, &report);
    } else if (capability == QLatin1String("chat")) {
        auto model = co_await registry.chatModel(name);
        if (!model)
            report.error = model.error();
        else
            co_await chatProbe(*model, &report);
    } else {
        report.error = QStringLiteral("--capability is rerank, embeddings or chat, not '%1'").arg(capability);
    }
    report.latencyMs = double(clock.nsecsElapsed()) / 1e6;
    co_return report;
}

QString capabilityInUse(const QSqlDatabase &db, const QString &name)
{
    auto assistants = store::AssistantRepository(db).list();
    if (!assistants)
        return {};
    bool reranks = false;
    for (const store::Assistant &assistant : std::as_const(*assistants)) {
        if (assistant.spec.llm == name)
            return QStringLiteral("chat");
        reranks = reranks || assistant.spec.reranker == name;
    }
    return reranks ? QStringLiteral("rerank") : QString();
}

ProviderTestReport testProvider(std::shared_ptr<store::Database> database, const QString &dataDir,
                                const QString &name, const QString &capability)
{
    const QString tested = capability.isEmpty() ? capabilityInUse(database->connection(), name) : capability;
    ProviderTestReport report;
    {
        RerankCallLog callLog(database);
        ProviderRegistry registry({database, dataDir, QThreadPool::globalInstance(), &callLog});
        report = QCoro::waitFor(testProvider(registry, name, tested));
    }
    // What the call left to be deleted later (replies, attempts) goes now: the calling thread may
    // have no event loop of its own to do it (a pool thread's, as the desktop's Test uses).
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return report;
}

} // namespace rag::providers
