// Where API keys live when no keychain answers: a file only the user can read, said out loud.
// (Without a session bus, as in CI, the keychain is skipped rather than waited for.)
#include "providers/key_store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rag;
using namespace rag::providers;

class TestKeyStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QFile::remove(KeyStore(m_dir.path()).fallbackPath());
    }

    void keysGoToAnOwnerOnlyFileWithAWarning_data()
    {
        QTest::addColumn<QByteArray>("keychain");
        QTest::addColumn<QByteArray>("dbus");
        QTest::addColumn<QString>("why");
        QTest::newRow("keychain off") << QByteArray("off") << QByteArray("unix:path=/nonexistent") << "RAGDESK_KEYCHAIN=off";
        QTest::newRow("no session bus") << QByteArray() << QByteArray() << "no session bus";
    }

    void keysGoToAnOwnerOnlyFileWithAWarning()
    {
        QFETCH(QByteArray, keychain);
        QFETCH(QByteArray, dbus);
        QFETCH(QString, why);
        qputenv("RAGDESK_KEYCHAIN", keychain);
        qputenv("DBUS_SESSION_BUS_ADDRESS", dbus);
        KeyStore store(m_dir.path());
        QString warning;
        const auto backend = store.store(QStringLiteral("cohere"), QStringLiteral("sk-secret-1"), &warning);
        QVERIFY(backend);
        QCOMPARE(*backend, KeyStore::Backend::File);
        QVERIFY2(warning.contains(store.fallbackPath()) && warning.contains(why), qPrintable(warning));
        QVERIFY(!warning.contains(QStringLiteral("sk-secret-1"))); // the warning never shows the key
        QCOMPARE(QFile(store.fallbackPath()).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());

        const auto read = store.read(QStringLiteral("cohere"), KeyStore::Backend::File);
        QVERIFY(read);
        QCOMPARE(*read, QStringLiteral("sk-secret-1"));
    }

    void keysAreKeptApartAndRemoved()
    {
        qputenv("RAGDESK_KEYCHAIN", "off");
        KeyStore store(m_dir.path());
        QVERIFY(store.store(QStringLiteral("a"), QStringLiteral("key-a"), nullptr));
        QVERIFY(store.store(QStringLiteral("b"), QStringLiteral("key-b"), nullptr));
        QVERIFY(store.store(QStringLiteral("a"), QStringLiteral("key-a2"), nullptr)); // replaced
        QCOMPARE(*store.read(QStringLiteral("a"), KeyStore::Backend::File), QStringLiteral("key-a2"));
        QCOMPARE(*store.read(QStringLiteral("b"), KeyStore::Backend::File), QStringLiteral("key-b"));
        store.remove(QStringLiteral("a"), KeyStore::Backend::File);
        const auto gone = store.read(QStringLiteral("a"), KeyStore::Backend::File);
        QVERIFY(!gone);
        QVERIFY2(gone.error().contains(QStringLiteral("add the provider again")), qPrintable(gone.error()));
        QCOMPARE(*store.read(QStringLiteral("b"), KeyStore::Backend::File), QStringLiteral("key-b"));
    }

    void damagedFileIsAClearError()
    {
        KeyStore store(m_dir.path());
        QFile file(store.fallbackPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{ not json");
        file.close();
        const auto read = store.read(QStringLiteral("a"), KeyStore::Backend::File);
        QVERIFY(!read);
        QVERIFY2(read.error().contains(QStringLiteral("'a'")) && read.error().contains(QStringLiteral("damaged")),
                 qPrintable(read.error()));

        // Removing a key leaves a damaged file as it is...
        store.remove(QStringLiteral("a"), KeyStore::Backend::File);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{ not json"));
        file.close();
        // ...and a new key never writes over it: the file is kept aside, and the warning says so.
        QString warning;
        const auto stored = store.store(QStringLiteral("b"), QStringLiteral("key-b"), &warning);
        QVERIFY(stored && *stored == KeyStore::Backend::File);
        QVERIFY2(warning.contains(QStringLiteral("kept as")) && warning.contains(QStringLiteral(".damaged")), qPrintable(warning));
        QFile aside(store.fallbackPath() + QStringLiteral(".damaged"));
        QVERIFY(aside.open(QIODevice::ReadOnly));
        QCOMPARE(aside.readAll(), QByteArray("{ not json"));
        QCOMPARE(*store.read(QStringLiteral("b"), KeyStore::Backend::File), QStringLiteral("key-b"));
    }

    void backendNamesRoundTrip()
    {
        for (const auto backend : {KeyStore::Backend::Keychain, KeyStore::Backend::File})
            QCOMPARE(*KeyStore::backendFromName(KeyStore::backendName(backend)), backend);
        const auto unknown = KeyStore::backendFromName(QStringLiteral("vault"));
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().contains(QStringLiteral("vault")), qPrintable(unknown.error()));
    }
};

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_key_store.moc"
