#include "api/target_keys.h"

#include "providers/key_store.h"
#include "workspace/workspace.h"

namespace rag::api {

namespace {

using providers::KeyStore;

// A space cannot start a provider's name, so a target's key never takes a provider's place.
QString entryName(const QString &url)
{
    return QStringLiteral(" loadtest-target ") + url.trimmed();
}

} // namespace

TargetKeys::TargetKeys(const Workspace &workspace) : m_dataDir(workspace.dataDir()) {}

Result<void> TargetKeys::store(const QString &url, const QString &key, QString *warning) const
{
    auto stored = KeyStore(m_dataDir).store(entryName(url), key, warning);
    if (!stored)
        return fail(stored.error());
    // A key kept before in the other place would be found first by read(): only the new one stays.
    if (*stored == KeyStore::Backend::Keychain)
        KeyStore(m_dataDir).remove(entryName(url), KeyStore::Backend::File);
    else if (KeyStore(m_dataDir).keychainUsable())
        KeyStore(m_dataDir).remove(entryName(url), KeyStore::Backend::Keychain);
    return {};
}

QString TargetKeys::read(const QString &url) const
{
    const KeyStore keys(m_dataDir);
    for (auto backend : {KeyStore::Backend::Keychain, KeyStore::Backend::File}) {
        if (backend == KeyStore::Backend::Keychain && !keys.keychainUsable())
            continue;
        if (auto key = keys.read(entryName(url), backend); key && !key->isEmpty())
            return *key;
    }
    return {};
}

void TargetKeys::remove(const QString &url) const
{
    KeyStore keys(m_dataDir);
    if (keys.keychainUsable())
        keys.remove(entryName(url), KeyStore::Backend::Keychain);
    keys.remove(entryName(url), KeyStore::Backend::File);
}

} // namespace rag::api
