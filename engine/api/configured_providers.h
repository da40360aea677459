// The providers configured in a workspace (docs/providers.md): their records as value snapshots,
// adding one with its API key, removing one with its key, and a real test call. Callable from any
// thread (see KnowledgeBases); `test` runs a short event loop of its own on the calling thread.
#pragma once

#include "api/records.h"
#include "providers/provider_tester.h"

#include <QStringList>

#include <optional>

namespace rag::api {

using providers::ProviderTestReport;

class ConfiguredProviders {
public:
    explicit ConfiguredProviders(const Workspace &workspace);

    Result<QList<ProviderRecord>> list() const; // by name; keys are never part of a record
    Result<ProviderRecord> find(const QString &name) const;
    // Checks the record (kind, URL, limits) and that the name is new, keeps `apiKey` (if not
    // empty) in the keychain or the fallback file, then stores the record; a failed add leaves no
    // key behind. `warning` gets the key store's notice when it fell back to the file. Returns the
    // record as stored, with its defaults filled in.
    Result<ProviderRecord> add(ProviderRecord record, const QString &apiKey, QString *warning) const;
    Result<void> remove(const QString &name) const; // and its key
    // Changes an existing provider's settings (checked as `add` checks them). Its key: kept when
    // `newKey` is nullopt, removed when empty, replaced otherwise.
    Result<ProviderRecord> update(ProviderRecord record, const std::optional<QString> &newKey, QString *warning) const;
    // One real call to the provider: `capability` (rerank, embeddings, chat) or, empty, the first
    // it serves.
    ProviderTestReport test(const QString &name, const QString &capability) const;

    // The configured providers that serve `capability` ("rerank", "embeddings", "chat"), by name;
    // empty when there are none or the list cannot be read.
    QStringList namesServing(const QString &capability) const;
    // What a kind of provider can do, as capability names ("rerank", "embeddings", "chat").
    static QStringList capabilitiesOf(const QString &kindName);
    static QStringList kindNames(); // every kind a provider can be
    // What the assistants use a provider for: "chat", "rerank", or empty (see `test`).
    QString capabilityInUse(const QString &name) const;

private:
    std::shared_ptr<store::Database> m_database;
    QString m_dataDir; // where the key store's fallback file lives
};

} // namespace rag::api
