// Where providers' API keys live: the system keychain (QtKeychain: Secret Service, KWallet) when
// one answers; otherwise, explicitly and with a warning, a file only the user can read in the
// data dir. Keys are never written to the database, logs, call logs or exports.
#pragma once

#include "core/result.h"

#include <QString>

namespace rag::providers {

class KeyStore {
public:
    enum class Backend { Keychain, File };

    // `dataDir` holds the fallback file. RAGDESK_KEYCHAIN=off skips the keychain (headless CI).
    explicit KeyStore(QString dataDir);

    // Returns where the key went; `warning` explains a fallback to the file.
    Result<Backend> store(const QString &provider, const QString &key, QString *warning);
    Result<QString> read(const QString &provider, Backend backend) const;
    void remove(const QString &provider, Backend backend);

    static QString backendName(Backend backend); // "keychain" / "file"
    static Result<Backend> backendFromName(const QString &name);
    QString fallbackPath() const;
    // False without a session bus or with RAGDESK_KEYCHAIN=off: asking would only wait.
    bool keychainUsable() const;

private:

    QString m_dataDir;
};

} // namespace rag::providers
