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

namespace rag::providers {

struct ProviderRegistry::Entry {
    ProviderSettings settings;
    std::unique_ptr<ProviderHttpClient> client;
    std::unique_ptr<Reranker> reranker;
    std::unique_ptr<Embedder> embedder;
    std::unique_ptr<ChatModel> chat;
};

ProviderRegistry::ProviderRegistry(Services services, QObject *parent)
    : QObject(parent)
    , m_services(std::move(services))
{
}

ProviderRegistry::~ProviderRegistry() = default;

Result<ProviderRegistry::Entry *> ProviderRegistry::entry(const QString &name)
{
    if (auto found = m_entries.find(name); found != m_entries.end())
        return found->get();
    store::ProviderRepository repository(m_services.database->connection());
    auto record = repository.find(name);
    if (!record)
        return fail(record.error());
    auto settings = settingsFromRecord(*record);
    if (!settings)
        return fail(settings.error());

    auto entry = std::make_shared<Entry>();
    entry->settings = *settings;
    HttpClientConfig config;
    config.name = settings->name;
    config.maxConnections = settings->maxConnections;
    config.http2 = settings->http2;
    entry->client = std::make_unique<ProviderHttpClient>(config);
    if (record->keyStore != QLatin1String("none")) {
        auto backend = KeyStore::backendFromName(record->keyStore);
        if (!backend)
            return fail(backend.error());
        auto key = KeyStore(m_services.dataDir).read(name, *backend);
        if (!key)
            return fail(key.error());
        entry->client->setApiKey(*key);
    }
    m_entries.insert(name, entry);
    return entry.get();
}

Result<Reranker *> ProviderRegistry::reranker(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("none"))
        return static_cast<Reranker *>(nullptr);
    if (name == QLatin1String("builtin")) {
        if (!m_builtinReranker)
            m_builtinReranker = std::make_unique<BuiltinReranker>(name, m_services.cpuPool, m_services.callLog);
        return m_builtinReranker.get();
    }
    auto e = entry(name);
    if (!e)
        return fail(e.error());
    Entry *provider = *e;
    if (!kindServes(provider->settings.kind, Capability::Rerank))
        return fail(QStringLiteral("provider '%1' (%2) does not rerank").arg(name, kindName(provider->settings.kind)));
    if (!provider->reranker)
        provider->reranker = std::make_unique<HttpReranker>(provider->settings, provider->client.get(), m_services.callLog);
    return provider->reranker.get();
}

Result<Embedder *> ProviderRegistry::embedder(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("builtin")) {
        if (!m_builtinEmbedder)
            m_builtinEmbedder = std::make_unique<LocalEmbedder>(m_services.cpuPool);
        return m_builtinEmbedder.get();
    }
    auto e = entry(name);
    if (!e)
        return fail(e.error());
    Entry *provider = *e;
    if (!kindServes(provider->settings.kind, Capability::Embeddings))
        return fail(QStringLiteral("provider '%1' (%2) does not embed").arg(name, kindName(provider->settings.kind)));
    if (!provider->embedder)
        provider->embedder = std::make_unique<HttpEmbedder>(provider->settings, provider->client.get());
    return provider->embedder.get();
}

Result<ChatModel *> ProviderRegistry::chatModel(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("builtin") || name == QLatin1String("extractive")) {
        if (!m_extractive)
            m_extractive = std::make_unique<ExtractiveChatModel>(m_services.cpuPool);
        return m_extractive.get();
    }
    auto e = entry(name);
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
