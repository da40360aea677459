#include "store/provider_repository.h"

#include "store/sql.h"

namespace rag::store {

static const char *kSelectProviders =
    "SELECT name, kind, base_url, model, max_connections, timeout_ms, http2, key_store, ca_bundle, tls_insecure FROM providers";

// An unset text is stored as empty, not NULL (the columns are NOT NULL): a record built in
// code may leave its model or base URL unset where the command line passes "".
static QString textOf(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

static ProviderRecord readProvider(const QSqlQuery &query)
{
    ProviderRecord p;
    p.name = query.value(0).toString();
    p.kind = query.value(1).toString();
    p.baseUrl = query.value(2).toString();
    p.model = query.value(3).toString();
    p.maxConnections = query.value(4).toInt();
    p.timeoutMs = query.value(5).toInt();
    p.http2 = query.value(6).toBool();
    p.keyStore = query.value(7).toString();
    p.caBundle = query.value(8).toString();
    p.tlsInsecure = query.value(9).toBool();
    return p;
}

Result<void> ProviderRepository::add(const ProviderRecord &p)
{
    if (find(p.name))
        return fail(QStringLiteral("a provider named '%1' already exists").arg(p.name));
    auto inserted = exec(m_db,
                         QStringLiteral("INSERT INTO providers (name, kind, base_url, model, max_connections, timeout_ms,"
                                        " http2, key_store, ca_bundle, tls_insecure, created_at)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                         {p.name, p.kind, textOf(p.baseUrl), textOf(p.model), p.maxConnections, p.timeoutMs, p.http2 ? 1 : 0,
                          p.keyStore, textOf(p.caBundle), p.tlsInsecure ? 1 : 0,
                          QDateTime::currentDateTimeUtc().toString(Qt::ISODate)});
    if (!inserted)
        return fail(inserted.error());
    return {};
}

Result<void> ProviderRepository::update(const ProviderRecord &p)
{
    if (auto existing = find(p.name); !existing)
        return fail(existing.error());
    auto updated = exec(m_db,
                        QStringLiteral("UPDATE providers SET kind = ?, base_url = ?, model = ?, max_connections = ?,"
                                       " timeout_ms = ?, http2 = ?, key_store = ?, ca_bundle = ?, tls_insecure = ?"
                                       " WHERE name = ?"),
                        {p.kind, textOf(p.baseUrl), textOf(p.model), p.maxConnections, p.timeoutMs, p.http2 ? 1 : 0,
                         p.keyStore, textOf(p.caBundle), p.tlsInsecure ? 1 : 0, p.name});
    return updated ? Result<void>() : Result<void>(fail(updated.error()));
}

Result<QList<ProviderRecord>> ProviderRepository::list()
{
    auto query = exec(m_db, QString::fromLatin1(kSelectProviders) + QStringLiteral(" ORDER BY name"));
    if (!query)
        return fail(query.error());
    QList<ProviderRecord> providers;
    while (query->next())
        providers.append(readProvider(*query));
    return providers;
}

Result<ProviderRecord> ProviderRepository::find(const QString &name)
{
    auto query = exec(m_db, QString::fromLatin1(kSelectProviders) + QStringLiteral(" WHERE name = ?"), {name});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(QStringLiteral("no provider named '%1' (see `ragdesk providers list`)").arg(name));
    return readProvider(*query);
}

Result<void> ProviderRepository::remove(const QString &name)
{
    auto removed = exec(m_db, QStringLiteral("DELETE FROM providers WHERE name = ?"), {name});
    if (!removed)
        return fail(removed.error());
    if (removed->numRowsAffected() == 0)
        return fail(QStringLiteral("no provider named '%1'").arg(name));
    return {};
}

} // namespace rag::store
