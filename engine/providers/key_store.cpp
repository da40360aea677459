#include "providers/key_store.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace rag::providers {

namespace {

const QString kService = QStringLiteral("ragdesk");
constexpr int kKeychainTimeoutMs = 5000;

// Runs a QtKeychain job to its end on this thread (jobs report through signals).
bool runJob(QKeychain::Job &job, QString *error)
{
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.start();
    timeout.start(kKeychainTimeoutMs);
    loop.exec();
    if (timeout.isActive() && job.error() == QKeychain::NoError)
        return true;
    if (error)
        *error = timeout.isActive() ? job.errorString() : QStringLiteral("the keychain did not answer");
    return false;
}

// The fallback file's keys: none when it does not exist; an error when it exists but cannot be
// read or is not a JSON object, so that nothing writes over keys it could not read.
Result<QJsonObject> readFallback(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QJsonObject();
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("the key file %1 cannot be read: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("the key file %1 is damaged (%2)")
                        .arg(path, error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON object")));
    return doc.object();
}

// A damaged key file is renamed, never overwritten: its keys may still be recovered by hand.
Result<QString> keepAside(const QString &path)
{
    QString aside = path + QStringLiteral(".damaged");
    for (int n = 2; QFile::exists(aside); ++n)
        aside = path + QStringLiteral(".damaged-%1").arg(n);
    if (!QFile::rename(path, aside))
        return fail(QStringLiteral("cannot move %1 aside").arg(path));
    return aside;
}

Result<void> writeFallback(const QString &path, const QJsonObject &keys)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    // Owner-only before any byte of a key is written.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(keys).toJson());
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

} // namespace

KeyStore::KeyStore(QString dataDir)
    : m_dataDir(std::move(dataDir))
{
}

QString KeyStore::fallbackPath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("provider-keys.json"));
}

bool KeyStore::keychainUsable() const
{
    if (qEnvironmentVariable("RAGDESK_KEYCHAIN") == QLatin1String("off"))
        return false;
    // Secret Service and KWallet are reached over the session bus; without one the keychain
    // cannot answer, and asking would only wait for a timeout.
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

QString KeyStore::backendName(Backend backend)
{
    return backend == Backend::Keychain ? QStringLiteral("keychain") : QStringLiteral("file");
}

Result<KeyStore::Backend> KeyStore::backendFromName(const QString &name)
{
    if (name == QLatin1String("keychain"))
        return Backend::Keychain;
    if (name == QLatin1String("file"))
        return Backend::File;
    return fail(QStringLiteral("unknown key store '%1'").arg(name));
}

Result<KeyStore::Backend> KeyStore::store(const QString &provider, const QString &key, QString *warning)
{
    QString why = QStringLiteral("no keychain is available (no session bus)");
    if (keychainUsable()) {
        QKeychain::WritePasswordJob job(kService);
        job.setKey(provider);
        job.setTextData(key);
        if (runJob(job, &why))
            return Backend::Keychain;
    } else if (qEnvironmentVariable("RAGDESK_KEYCHAIN") == QLatin1String("off")) {
        why = QStringLiteral("RAGDESK_KEYCHAIN=off");
    }
    auto keys = readFallback(fallbackPath());
    QString damaged;
    if (!keys) {
        auto aside = keepAside(fallbackPath());
        if (!aside)
            return fail(keys.error() + QStringLiteral("; ") + aside.error());
        damaged = QStringLiteral("; %1: it was kept as %2 and a new file started, so the keys it held must be added again")
                      .arg(keys.error(), *aside);
        keys = QJsonObject();
    }
    keys->insert(provider, key);
    if (auto written = writeFallback(fallbackPath(), *keys); !written)
        return fail(written.error());
    if (warning)
        *warning = QStringLiteral("the API key of '%1' is stored in %2 (readable only by you), not in a keychain: %3%4")
                       .arg(provider, fallbackPath(), why, damaged);
    return Backend::File;
}

Result<QString> KeyStore::read(const QString &provider, Backend backend) const
{
    if (backend == Backend::File) {
        const auto keys = readFallback(fallbackPath());
        if (!keys)
            return fail(QStringLiteral("cannot read the API key of '%1': %2").arg(provider, keys.error()));
        const QJsonValue key = keys->value(provider);
        if (!key.isString())
            return fail(QStringLiteral("the API key of '%1' is missing from %2; add the provider again")
                            .arg(provider, fallbackPath()));
        return key.toString();
    }
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(provider);
    QString error;
    if (!runJob(job, &error))
        return fail(QStringLiteral("cannot read the API key of '%1' from the keychain: %2").arg(provider, error));
    return job.textData();
}

void KeyStore::remove(const QString &provider, Backend backend)
{
    if (backend == Backend::File) {
        auto keys = readFallback(fallbackPath()); // a damaged file is left as it is
        if (keys && keys->contains(provider)) {
            keys->remove(provider);
            (void)writeFallback(fallbackPath(), *keys);
        }
        return;
    }
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(provider);
    runJob(job, nullptr);
}

} // namespace rag::providers
