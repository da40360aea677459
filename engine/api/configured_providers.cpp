#include "api/configured_providers.h"

#include "providers/key_store.h"
#include "providers/provider_catalog.h"
#include "providers/provider_kind.h"
#include "store/database.h"
#include "store/provider_repository.h"
#include "workspace/workspace.h"

namespace rag::api {

using providers::KeyStore;

ConfiguredProviders::ConfiguredProviders(const Workspace &workspace)
    : m_database(workspace.sharedDatabase()), m_dataDir(workspace.dataDir())
{
}

Result<QList<ProviderRecord>> ConfiguredProviders::list() const
{
    return store::ProviderRepository(m_database->connection()).list();
}

Result<ProviderRecord> ConfiguredProviders::find(const QString &name) const
{
    return store::ProviderRepository(m_database->connection()).find(name);
}

Result<ProviderRecord> ConfiguredProviders::add(ProviderRecord record, const QString &apiKey, QString *warning) const
{
    auto valid = providers::validateProvider(std::move(record));
    if (!valid)
        return fail(valid.error());
    record = *valid;
    store::ProviderRepository repository(m_database->connection());
    if (repository.find(record.name))
        return fail(QStringLiteral("a provider named '%1' already exists; remove it first").arg(record.name));
    KeyStore keys(m_dataDir);
    record.keyStore = QStringLiteral("none");
    if (!apiKey.isEmpty()) {
        auto where = keys.store(record.name, apiKey, warning);
        if (!where)
            return fail(where.error());
        record.keyStore = KeyStore::backendName(*where);
    }
    if (auto added = repository.add(record); !added) {
        if (auto backend = KeyStore::backendFromName(record.keyStore))
            keys.remove(record.name, *backend);
        return fail(added.error());
    }
    return record;
}

Result<void> ConfiguredProviders::remove(const QString &name) const
{
    store::ProviderRepository repository(m_database->connection());
    auto record = repository.find(name);
    if (!record)
        return fail(record.error());
    if (auto removed = repository.remove(name); !removed)
        return removed;
    if (auto backend = KeyStore::backendFromName(record->keyStore))
        KeyStore(m_dataDir).remove(record->name, *backend);
    return {};
}

Result<ProviderRecord> ConfiguredProviders::update(ProviderRecord record, const std::optional<QString> &newKey,
                                                  QString *warning) const
{
    auto valid = providers::validateProvider(std::move(record));
    if (!valid)
        return fail(valid.error());
    record = *valid;
    store::ProviderRepository repository(m_database->connection());
    auto existing = repository.find(record.name);
    if (!existing)
        return fail(existing.error());
    record.keyStore = existing->keyStore;
    KeyStore keys(m_dataDir);
    if (newKey) {
        // The old key goes first: a key stored under the name replaces it anyway, and an empty
        // new key means "none".
        if (auto backend = KeyStore::backendFromName(existing->keyStore))
            keys.remove(record.name, *backend);
        record.keyStore = QStringLiteral("none");
        if (!newKey->isEmpty()) {
            auto where = keys.store(record.name, *newKey, warning);
            if (!where)
                return fail(where.error());
            record.keyStore = KeyStore::backendName(*where);
        }
    }
    if (auto updated = repository.update(record); !updated)
        return fail(updated.error());
    return record;
}

ProviderTestReport ConfiguredProviders::test(const QString &name, const QString &capability) const
{
    return providers::testProvider(m_database, m_dataDir, name, capability);
}

QStringList ConfiguredProviders::namesServing(const QString &capability) const
{
    QStringList names;
    if (auto providers = list(); providers) {
        for (const ProviderRecord &provider : std::as_const(*providers)) {
            if (capabilitiesOf(provider.kind).contains(capability))
                names.append(provider.name);
        }
    }
    return names;
}

QStringList ConfiguredProviders::capabilitiesOf(const QString &kindName)
{
    QStringList served;
    if (const auto kind = providers::kindFromName(kindName)) {
        for (auto capability : {providers::Capability::Rerank, providers::Capability::Embeddings, providers::Capability::Chat}) {
            if (providers::kindServes(*kind, capability))
                served.append(providers::capabilityName(capability));
        }
    }
    return served;
}

QStringList ConfiguredProviders::kindNames()
{
    return providers::allKindNames();
}

QString ConfiguredProviders::capabilityInUse(const QString &name) const
{
    return providers::capabilityInUse(m_database->connection(), name);
}

} // namespace rag::api
