#include "providers/provider_catalog.h"

#include "providers/wire/provider_endpoints.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QUrl>

namespace rag::providers {

bool isReservedProviderName(const QString &name)
{
    return name == QLatin1String("builtin") || name == QLatin1String("none") || name == QLatin1String("extractive");
}

Result<store::ProviderRecord> validateProvider(store::ProviderRecord record)
{
    record.name = record.name.trimmed();
    static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!validName.match(record.name).hasMatch())
        return fail(QStringLiteral("a provider name is 1-64 letters, digits, '.', '_' or '-', starting with a letter "
                                   "or digit; '%1' is not")
                        .arg(record.name));
    if (isReservedProviderName(record.name))
        return fail(QStringLiteral("'%1' names a built-in provider; choose another name").arg(record.name));
    const auto kind = kindFromName(record.kind);
    if (!kind)
        return fail(QStringLiteral("unknown provider kind '%1'; one of: %2")
                        .arg(record.kind, allKindNames().join(QStringLiteral(", "))));
    if (*kind == ProviderKind::Builtin)
        return fail(QStringLiteral("the built-in provider needs no configuration: use the name 'builtin'"));
    record.kind = kindName(*kind);
    record.baseUrl = record.baseUrl.trimmed();
    if (record.baseUrl.isEmpty())
        record.baseUrl = defaultBaseUrl(*kind);
    const QUrl url(record.baseUrl, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty())
        return fail(QStringLiteral("--base-url must be an http:// or https:// URL, not '%1'").arg(record.baseUrl));
    if (!url.userInfo().isEmpty())
        return fail(QStringLiteral("--base-url must not carry credentials; use --api-key-env"));
    // TEI serves the one model it was started with; every other API names its model per call.
    if (record.model.trimmed().isEmpty() && *kind != ProviderKind::Tei)
        return fail(QStringLiteral("a %1 provider needs --model").arg(record.kind));
    record.model = record.model.trimmed();
    if (record.maxConnections < 1 || record.maxConnections > 4096)
        return fail(QStringLiteral("--max-connections must be between 1 and 4096, not %1").arg(record.maxConnections));
    if (record.timeoutMs < 100 || record.timeoutMs > 600'000)
        return fail(QStringLiteral("--timeout-ms must be between 100 and 600000, not %1").arg(record.timeoutMs));
    record.caBundle = record.caBundle.trimmed();
    if (!record.caBundle.isEmpty()) {
        record.caBundle = QFileInfo(record.caBundle).absoluteFilePath(); // the provider outlives the working folder
        if (QSslCertificate::fromPath(record.caBundle, QSsl::Pem).isEmpty())
            return fail(QStringLiteral("--ca-bundle '%1' holds no readable PEM certificate").arg(record.caBundle));
    }
    return record;
}

Result<ProviderSettings> settingsFromRecord(const store::ProviderRecord &record)
{
    const auto kind = kindFromName(record.kind);
    if (!kind)
        return fail(QStringLiteral("provider '%1' has an unknown kind '%2'").arg(record.name, record.kind));
    ProviderSettings settings;
    settings.name = record.name;
    settings.kind = *kind;
    settings.baseUrl = record.baseUrl;
    settings.model = record.model;
    settings.maxConnections = record.maxConnections;
    settings.timeout = std::chrono::milliseconds(record.timeoutMs);
    settings.http2 = record.http2;
    settings.caBundle = record.caBundle;
    settings.tlsInsecure = record.tlsInsecure;
    return settings;
}

} // namespace rag::providers
