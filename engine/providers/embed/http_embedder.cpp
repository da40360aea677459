#include "providers/embed/http_embedder.h"

#include "providers/http/provider_http_client.h"
#include "providers/wire/chat_wire.h"
#include "providers/wire/embedding_wire.h"

#include <QElapsedTimer>

#include <deque>

namespace rag::providers {

HttpEmbedder::HttpEmbedder(ProviderSettings settings, ProviderHttpClient *client, EmbedBatching batching)
    : m_settings(std::move(settings))
    , m_client(client)
    , m_batching(batching)
{
    m_batching.batchSize = std::max(1, m_batching.batchSize);
    m_batching.batchesInFlight = std::max(1, m_batching.batchesInFlight);
}

QList<QStringList> HttpEmbedder::batchesOf(const QStringList &texts) const
{
    QList<QStringList> batches;
    for (qsizetype i = 0; i < texts.size(); i += m_batching.batchSize)
        batches.append(texts.mid(i, m_batching.batchSize));
    return batches;
}

Result<std::vector<std::vector<float>>> HttpEmbedder::settle(const QStringList &batch, const HttpOutcome &outcome) const
{
    if (!outcome.ok())
        return callFailure(QStringLiteral("embedder '%1'").arg(m_settings.name), outcome);
    auto vectors = parseEmbeddingReply(m_settings.kind, outcome.body, int(batch.size()));
    if (!vectors)
        return fail(vectors.error(), ErrorKind::Malformed);
    return vectors;
}

QCoro::Task<Result<EmbedResult>> HttpEmbedder::embed(EmbedRequest request)
{
    QElapsedTimer clock;
    clock.start();
    const QList<QStringList> batches = batchesOf(request.texts);
    HttpCallOptions options;
    options.deadline = request.deadline.count() > 0 ? std::min(request.deadline, m_settings.timeout) : m_settings.timeout;
    options.cancel = CancelToken::linkedTo(request.cancel);

    EmbedResult result;
    result.vectors.reserve(size_t(request.texts.size()));
    // A window of calls in flight; results are taken in order, so vectors stay in input order.
    std::deque<QCoro::Task<HttpOutcome>> window;
    qsizetype next = 0;
    auto send = [&] {
        const QStringList &batch = batches.at(next++);
        window.push_back(m_client->post(buildEmbeddingRequest(m_settings.kind, m_settings.baseUrl,
                                                              m_settings.model, batch),
                                        options));
    };
    while (next < batches.size() && qsizetype(window.size()) < m_batching.batchesInFlight)
        send();
    for (qsizetype done = 0; done < batches.size(); ++done) {
        const HttpOutcome outcome = co_await std::move(window.front());
        window.pop_front();
        ++result.calls;
        auto vectors = settle(batches.at(done), outcome);
        if (!vectors) {
            options.cancel->cancel(); // the batches still in flight are of no use now
            for (auto &pending : window)
                co_await std::move(pending);
            co_return vectors.failure();
        }
        for (auto &v : *vectors)
            result.vectors.push_back(std::move(v));
        if (next < batches.size())
            send();
    }
    result.latencyMicros = clock.nsecsElapsed() / 1000;
    co_return result;
}

Result<EmbedResult> HttpEmbedder::embedBlocking(const EmbedRequest &request)
{
    QElapsedTimer clock;
    clock.start();
    HttpCallOptions options;
    options.deadline = request.deadline.count() > 0 ? std::min(request.deadline, m_settings.timeout) : m_settings.timeout;
    options.cancel = request.cancel;
    EmbedResult result;
    for (const QStringList &batch : batchesOf(request.texts)) {
        const HttpOutcome outcome = m_client->postBlocking(
            buildEmbeddingRequest(m_settings.kind, m_settings.baseUrl, m_settings.model, batch), options);
        ++result.calls;
        auto vectors = settle(batch, outcome);
        if (!vectors)
            return vectors.failure();
        for (auto &v : *vectors)
            result.vectors.push_back(std::move(v));
    }
    result.latencyMicros = clock.nsecsElapsed() / 1000;
    return result;
}

} // namespace rag::providers
