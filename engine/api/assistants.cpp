#include "api/assistants.h"

#include "providers/provider_kind.h"
#include "store/assistant_repository.h"
#include "store/database.h"
#include "store/provider_repository.h"
#include "workspace/workspace.h"

namespace rag::api {

namespace {

// The repository checks that a named provider exists; the capability needs the provider layer,
// which the store does not link.
Result<void> checkCapability(const QSqlDatabase &db, const QString &flag, const QString &name,
                             providers::Capability capability)
{
    if (name == QLatin1String("builtin") || name == QLatin1String("none"))
        return {};
    auto record = store::ProviderRepository(db).find(name);
    if (!record)
        return {}; // the repository refuses it with the full message
    const auto kind = providers::kindFromName(record->kind);
    if (kind && !providers::kindServes(*kind, capability))
        return fail(QStringLiteral("%1: provider '%2' is a %3 provider, which does not serve %4")
                        .arg(flag, name, record->kind, providers::capabilityName(capability)));
    return {};
}

Result<void> checkRoles(const QSqlDatabase &db, const AssistantSpec &spec)
{
    if (auto valid = store::validateAssistantSpec(spec); !valid)
        return valid;
    if (auto ok = checkCapability(db, QStringLiteral("--llm"), spec.llm.trimmed(), providers::Capability::Chat); !ok)
        return ok;
    return checkCapability(db, QStringLiteral("--reranker"), spec.reranker.trimmed(), providers::Capability::Rerank);
}

} // namespace

Assistants::Assistants(const Workspace &workspace) : m_database(workspace.sharedDatabase()) {}

Result<QList<Assistant>> Assistants::list() const
{
    return store::AssistantRepository(m_database->connection()).list();
}

Result<Assistant> Assistants::find(const QString &name) const
{
    return store::AssistantRepository(m_database->connection()).find(name);
}

Result<Assistant> Assistants::create(const AssistantSpec &spec) const
{
    const QSqlDatabase db = m_database->connection();
    if (auto ok = checkRoles(db, spec); !ok)
        return fail(ok.error());
    return store::AssistantRepository(db).create(spec);
}

Result<Assistant> Assistants::update(const AssistantSpec &spec) const
{
    const QSqlDatabase db = m_database->connection();
    if (auto ok = checkRoles(db, spec); !ok)
        return fail(ok.error());
    return store::AssistantRepository(db).update(spec);
}

Result<void> Assistants::remove(const QString &name) const
{
    return store::AssistantRepository(m_database->connection()).remove(name);
}

} // namespace rag::api
