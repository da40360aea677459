#include "providers/provider_registry.h"

#include "providers/chat/extractive_chat_model.h"
#include "providers/chat/http_chat_model.h"
#include "providers/embed/http_embedder.h"
#include "providers/embed/local_embedder.h"
#include "providers/key_store.h"
#include "providers/provider_catalog.h"
#include "providers/rerank/builtin_reranker.h"
#include "providers/rerank/http_reranker.h"
#include "store/database.h"
#include "store/provider_repository.h"

#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorofuture.h>

namespace rag::providers {

struct ProviderRegistry::Entry {
    ProviderSettings settings;
    std::unique_ptr<ProviderHttpClient> client;
    std::unique_ptr<Reranker> reranker;
    std::unique_ptr<Embedder> embedder;
    std::unique_ptr<ChatModel> chat;
};

namespace {

// On a load pool thread: the database connection is that thread's, and a keychain read may run
// its own short event loop there without touching the engine thread's.
Result<ProviderRegistry::Loaded> loadProvider(const std::shared_ptr<store::Database> &database, const QString &dataDir,
                                              const QString &name)
{
    store::ProviderRepository repository(database->connection());
    auto record = repository.find(name);
    if (!record)
        return fail(record.error());
    auto settings = settingsFromRecord(*record);
    if (!settings)
        return fail(settings.error());
    ProviderRegistry::Loaded loaded{*settings, std::nullopt};
    if (record->keyStore != QLatin1String("none")) {
        auto backend = KeyStore::backendFromName(record->keyStore);
        if (!backend)
            return fail(backend.error());
        auto key = KeyStore(dataDir).read(name, *backend);
        if (!key)
            return fail(key.error());
        loaded.apiKey = *key;
    }
    return loaded;
}

} // namespace

ProviderRegistry::ProviderRegistry(Services services, QObject *parent)
    : QObject(parent)
    , m_services(std::move(services))
{
    m_loadPool.setObjectName(QStringLiteral("provider-load"));
    m_loadPool.setMaxThreadCount(2);
}

ProviderRegistry::~ProviderRegistry()
{
    m_loadPool.waitForDone();
}

QFuture<Result<ProviderRegistry::Loaded>> ProviderRegistry::startLoad(const QString &name)
{
    if (auto loading = m_loading.find(name); loading != m_loading.end())
        return *loading; // single flight: a second first use waits for the same load
    ++m_loads;
    QFuture<Result<Loaded>> future = QtConcurrent::run(
        &m_loadPool, [database = m_services.database, dataDir = m_services.dataDir, name] {
            return loadProvider(database, dataDir, name);
        });
    m_loading.insert(name, future);
    return future;
}

Result<ProviderRegistry::Entry *> ProviderRegistry::adopt(const QString &name, const Result<Loaded> &loaded)
{
    m_loading.remove(name); // a failed load is tried again by the next use
    if (auto found = m_entries.find(name); found != m_entries.end())
        return found->get(); // adopted by an earlier waiter: never replaced
    if (!loaded)
        return fail(loaded.error());
    return insertEntry(name, *loaded);
}

ProviderRegistry::Entry *ProviderRegistry::insertEntry(const QString &name, const Loaded &loaded)
{
    auto entry = std::make_shared<Entry>();
    entry->settings = loaded.settings;
    HttpClientConfig config;
    config.name = loaded.settings.name;
    config.maxConnections = loaded.settings.maxConnections;
    config.http2 = loaded.settings.http2;
    config.caBundle = loaded.settings.caBundle;
    config.tlsInsecure = loaded.settings.tlsInsecure;
    entry->client = std::make_unique<ProviderHttpClient>(config);
    if (loaded.apiKey)
        entry->client->setApiKey(*loaded.apiKey);
    m_entries.insert(name, entry);
    return entry.get();
}

Result<void> ProviderRegistry::addSessionProvider(const store::ProviderRecord &record)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_entries.contains(record.name) || m_loading.contains(record.name))
        return fail(QStringLiteral("provider '%1' is already in use by this engine").arg(record.name));
    auto settings = settingsFromRecord(record);
    if (!settings)
        return fail(settings.error());
    insertEntry(record.name, Loaded{*settings, std::nullopt});
    return {};
}

QCoro::Task<Result<ProviderRegistry::Entry *>> ProviderRegistry::entry(QString name)
{
    if (auto found = m_entries.find(name); found != m_entries.end())
        co_return found->get();
    auto loading = startLoad(name);
    const Result<Loaded> loaded = co_await loading;
    co_return adopt(name, loaded);
}

Result<ProviderRegistry::Entry *> ProviderRegistry::entryBlocking(const QString &name)
{
    Q_ASSERT(QThread::currentThread() != thread());
    std::optional<Result<Entry *>> found;
    QFuture<Result<Loaded>> loading;
    QMetaObject::invokeMethod(this, [&] {
        if (auto it = m_entries.find(name); it != m_entries.end())
            found.emplace(it->get());
        else
            loading = startLoad(name);
    }, Qt::BlockingQueuedConnection);
    if (found)
        return *found;
    loading.waitForFinished();
    const Result<Loaded> loaded = loading.result();
    Result<Entry *> adopted = fail(QString());
    QMetaObject::invokeMethod(this, [&] { adopted = adopt(name, loaded); }, Qt::BlockingQueuedConnection);
    return adopted;
}

QCoro::Task<Result<Reranker *>> ProviderRegistry::reranker(QString name)
{
    if (name.isEmpty() || name == QLatin1String("none") || name == QLatin1String("builtin"))
        co_return rerankerOf(name, fail(QString()));
    auto finding = entry(name);
    const Result<Entry *> found = co_await finding;
    co_return rerankerOf(name, found);
}

Result<Reranker *> ProviderRegistry::rerankerBlocking(const QString &name)
{
    const bool builtin = name.isEmpty() || name == QLatin1String("none") || name == QLatin1String("builtin");
    const Result<Entry *> found = builtin ? fail(QString()) : entryBlocking(name);
    Result<Reranker *> made = fail(QString());
    QMetaObject::invokeMethod(this, [&] { made = rerankerOf(name, found); }, Qt::BlockingQueuedConnection);
    return made;
}

Result<Reranker *> ProviderRegistry::rerankerOf(const QString &name, Result<Entry *> e)
{
    if (name.isEmpty() || name == QLatin1String("none"))
        return static_cast<Reranker *>(nullptr);
    if (name == QLatin1String("builtin")) {
        if (!m_builtinReranker)
            m_builtinReranker = std::make_unique<BuiltinReranker>(name, m_services.cpuPool, m_services.callLog);
        return m_builtinReranker.get();
    }
    if (!e)
        return fail(e.error());
    Entry *provider = *e;
    if (!kindServes(provider->settings.kind, Capability::Rerank))
        return fail(QStringLiteral("provider '%1' (%2) does not rerank").arg(name, kindName(provider->settings.kind)));
    if (!provider->reranker)
        provider->reranker = std::make_unique<HttpReranker>(provider->settings, provider->client.get(), m_services.callLog);
    return provider->reranker.get();
}

QCoro::Task<Result<Embedder *>> ProviderRegistry::embedder(QString name)
{
    if (name.isEmpty() || name == QLatin1String("builtin"))
        co_return embedderOf(name, fail(QString()));
    auto finding = entry(name);
    const Result<Entry *> found = co_await finding;
    co_return embedderOf(name, found);
}

Result<Embedder *> ProviderRegistry::embedderBlocking(const QString &name)
{
    const bool builtin = name.isEmpty() || name == QLatin1String("builtin");
    const Result<Entry *> found = builtin ? fail(QString()) : entryBlocking(name);
    Result<Embedder *> made = fail(QString());
    QMetaObject::invokeMethod(this, [&] { made = embedderOf(name, found); }, Qt::BlockingQueuedConnection);
    return made;
}

Result<Embedder *> ProviderRegistry::embedderOf(const QString &name, Result<Entry *> e)
{
    if (name.isEmpty() || name == QLatin1String("builtin")) {
        if (!m_builtinEmbedder)
            m_builtinEmbedder = std::make_unique<LocalEmbedder>(m_services.cpuPool);
        return m_builtinEmbedder.get();
    }
    if (!e)
        return fail(e.error());
    Entry *provider = *e;
    if (!kindServes(provider->settings.kind, Capability::Embeddings))
        return fail(QStringLiteral("provider '%1' (%2) does not embed").arg(name, kindName(provider->settings.kind)));
    if (!provider->embedder)
        provider->embedder = std::make_unique<HttpEmbedder>(provider->settings, provider->client.get());
    return provider->embedder.get();
}

namespace {
bool isExtractive(const QString &name)
{
    return name.isEmpty() || name == QLatin1String("builtin") || name == QLatin1String("extractive");
}
} // namespace

QCoro::Task<Result<ChatModel *>> ProviderRegistry::chatModel(QString name)
{
    if (isExtractive(name))
        co_return chatModelOf(name, fail(QString()));
    auto finding = entry(name);
    const Result<Entry *> found = co_await finding;
    co_return chatModelOf(name, found);
}

Result<ChatModel *> ProviderRegistry::chatModelBlocking(const QString &name)
{
    const Result<Entry *> found = isExtractive(name) ? fail(QString()) : entryBlocking(name);
    Result<ChatModel *> made = fail(QString());
    QMetaObject::invokeMethod(this, [&] { made = chatModelOf(name, found); }, Qt::BlockingQueuedConnection);
    return made;
}

Result<ChatModel *> ProviderRegistry::chatModelOf(const QString &name, Result<Entry *> e)
{
    if (isExtractive(name)) {
        if (!m_extractive)
            m_extractive = std::make_unique<ExtractiveChatModel>(m_services.cpuPool);
        return m_extractive.get();
    }
    if (!e)
        return fail(e.error());
    Entry *provider = *e;
    if (!kindServes(provider->settings.kind, Capability::Chat))
        return fail(QStringLiteral("provider '%1' (%2) has no chat models").arg(name, kindName(provider->settings.kind)));
    if (!provider->chat)
        provider->chat = std::make_unique<HttpChatModel>(provider->settings, provider->client.get());
    return provider->chat.get();
}

QHash<QString, HttpClientStats> ProviderRegistry::clientStats() const
{
    QHash<QString, HttpClientStats> stats;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
        stats.insert(it.key(), it.value()->client->stats());
    return stats;
}

} // namespace rag::providers
