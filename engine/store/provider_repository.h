// Stores configured providers (everything but their API keys, which live in the keychain).
#pragma once

#include "core/result.h"
#include "store/provider_records.h"

#include <QSqlDatabase>

namespace rag::store {

class ProviderRepository {
public:
    explicit ProviderRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> add(const ProviderRecord &provider); // the name must be new
    Result<QList<ProviderRecord>> list();
    Result<ProviderRecord> find(const QString &name);
    Result<void> remove(const QString &name);
    // Replaces every field of the provider named `p.name`, which must exist.
    Result<void> update(const ProviderRecord &p);

private:
    QSqlDatabase m_db;
};

} // namespace rag::store
