#include "providers/embed/local_embedder.h"

#include "index/builtin_embedder.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::providers {

namespace {

EmbedResult embedAll(const QStringList &texts)
{
    QElapsedTimer clock;
    clock.start();
    const index::BuiltinEmbedder embedder;
    EmbedResult result;
    result.vectors.reserve(size_t(texts.size()));
    for (const QString &text : texts)
        result.vectors.push_back(embedder.embed(text));
    result.latencyMicros = clock.nsecsElapsed() / 1000;
    return result;
}

} // namespace

LocalEmbedder::LocalEmbedder(QThreadPool *cpuPool)
    : m_pool(cpuPool)
{
}

QString LocalEmbedder::name() const
{
    return index::BuiltinEmbedder::name();
}

QCoro::Task<Result<EmbedResult>> LocalEmbedder::embed(EmbedRequest request)
{
    if (request.cancel && request.cancel->isCancelled())
        co_return fail(QStringLiteral("cancelled"));
    QFuture<EmbedResult> future = QtConcurrent::run(m_pool, embedAll, request.texts);
    co_return co_await future;
}

Result<EmbedResult> LocalEmbedder::embedBlocking(const EmbedRequest &request)
{
    return embedAll(request.texts);
}

} // namespace rag::providers
