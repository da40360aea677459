// Edit > Providers, driven against the provider simulator over loopback HTTP: add a provider
// with a key that is kept and never shown again, test it for real, edit it, see a refused input
// in the form's own words, and remove it.
#include "api/configured_providers.h"
#include "providers/key_store.h"
#include "providers_dialog.h"
#include "support/simulator_thread.h"
#include "support/tcp_forwarder.h"
#include "support/temp_workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTest>

using namespace rag;

namespace {
constexpr int kTimeoutMs = 30000;
const QString kSecret = QStringLiteral("sk-dialog-secret-4711");

struct Form {
    explicit Form(ui::ProvidersDialog &d)
        : dialog(d)
        , list(d.findChild<QListWidget *>(QStringLiteral("providerList")))
        , name(d.findChild<QLineEdit *>(QStringLiteral("providerName")))
        , kind(d.findChild<QComboBox *>(QStringLiteral("providerKind")))
        , baseUrl(d.findChild<QLineEdit *>(QStringLiteral("providerBaseUrl")))
        , model(d.findChild<QLineEdit *>(QStringLiteral("providerModel")))
        , connections(d.findChild<QSpinBox *>(QStringLiteral("providerConnections")))
        , key(d.findChild<QLineEdit *>(QStringLiteral("providerKey")))
        , capability(d.findChild<QComboBox *>(QStringLiteral("providerCapability")))
        , save(d.findChild<QPushButton *>(QStringLiteral("saveProvider")))
        , test(d.findChild<QPushButton *>(QStringLiteral("testProvider")))
        , message(d.findChild<QLabel *>(QStringLiteral("providerMessage")))
    {
    }
    bool found() const { return list && name && kind && baseUrl && model && connections && key && capability && save && test && message; }
    void fill(const QString &n, const QString &k, const QString &url, const QString &m)
    {
        name->setText(n);
        kind->setCurrentIndex(kind->findData(k));
        baseUrl->setText(url);
        model->setText(m);
    }
    ui::ProvidersDialog &dialog;
    QListWidget *list;
    QLineEdit *name;
    QComboBox *kind;
    QLineEdit *baseUrl;
    QLineEdit *model;
    QSpinBox *connections;
    QLineEdit *key;
    QComboBox *capability;
    QPushButton *save;
    QPushButton *test;
    QLabel *message;
};
} // namespace

class TestProvidersDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qputenv("RAGDESK_KEYCHAIN", "off"); } // no session bus: the fallback file

    void addTestEditAndRemoveAProvider()
    {
        test::TempWorkspace t;
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        ui::ProvidersDialog dialog(*t.workspace);
        Form form(dialog);
        QVERIFY(form.found());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(form.list->count(), 0);
        QVERIFY(!form.test->isEnabled()); // nothing stored to test yet

        // A refused input is explained with the form's labels, not the command line's options.
        form.fill(QStringLiteral("sim-cohere"), QStringLiteral("cohere"), sim.url(QStringLiteral("/cohere")), QString());
        QVERIFY(!dialog.save());
        QVERIFY2(form.message->text().contains(QStringLiteral("needs Model")), qPrintable(form.message->text()));
        QCOMPARE(form.list->count(), 0);

        form.fill(QStringLiteral("sim-jina"), QStringLiteral("jina"), sim.url(QStringLiteral("/jina/v1")), QStringLiteral("jina-reranker-v2"));
        form.key->setText(kSecret);
        QSignalSpy changed(&dialog, &ui::ProvidersDialog::recordsChanged);
        QTest::mouseClick(form.save, Qt::LeftButton);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(form.list->count(), 1);
        QVERIFY(form.key->text().isEmpty()); // never shown again
        QVERIFY2(form.key->placeholderText().contains(QStringLiteral("a key is stored")), qPrintable(form.key->placeholderText()));
        QVERIFY(!form.message->text().contains(kSecret));
        const providers::KeyStore keys(t.workspace->dataDir());
        QCOMPARE(*keys.read(QStringLiteral("sim-jina"), providers::KeyStore::Backend::File), kSecret);

        // Test makes a real call of the provider's capability, off the GUI thread.
        QCOMPARE(form.capability->currentText(), QStringLiteral("rerank"));
        QSignalSpy tested(&dialog, &ui::ProvidersDialog::testFinished);
        QTest::mouseClick(form.test, Qt::LeftButton);
        QVERIFY(!form.test->isEnabled()); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, kTimeoutMs);
        QVERIFY2(tested.first().first().toBool(), qPrintable(form.message->text()));
        QVERIFY2(form.message->text().startsWith(QStringLiteral("OK: sim-jina rerank answered in")), qPrintable(form.message->text()));
        QVERIFY(sim.counters().requests.load() >= 1);

        // Edit: the settings change, the stored key stays unless replaced.
        form.connections->setValue(8);
        QVERIFY(dialog.save());
        QCOMPARE(api::ConfiguredProviders(*t.workspace).find(QStringLiteral("sim-jina"))->maxConnections, 8);
        QCOMPARE(*keys.read(QStringLiteral("sim-jina"), providers::KeyStore::Backend::File), kSecret);

        // A provider that does not answer: its error, not a frozen window.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        form.baseUrl->setText(QStringLiteral("http://127.0.0.1:%1/jina/v1").arg(port));
        QVERIFY(dialog.save());
        QTest::mouseClick(form.test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, kTimeoutMs);
        QVERIFY(!tested.last().first().toBool());
        QVERIFY2(form.message->text().startsWith(QStringLiteral("Failed: sim-jina rerank:")), qPrintable(form.message->text()));

        QVERIFY(dialog.removeCurrent(true));
        QCOMPARE(form.list->count(), 0);
        QVERIFY(!keys.read(QStringLiteral("sim-jina"), providers::KeyStore::Backend::File));
        QVERIFY(form.name->text().isEmpty()); // back to a new provider's form
    }

    // A provider behind TLS: refused while its certificate is not trusted, reached once its CA
    // bundle is named; "do not verify" is saved and shown as the risk it is.
    void tlsSettingsAreSavedAndAnUncheckedCertificateIsShown()
    {
        test::TempWorkspace t;
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        test::TcpForwarder tls(test::TcpForwarder::Mode::Tls, sim.port());
        QVERIFY(tls.ok());
        ui::ProvidersDialog dialog(*t.workspace);
        Form form(dialog);
        auto *caBundle = dialog.findChild<QLineEdit *>(QStringLiteral("providerCaBundle"));
        auto *insecure = dialog.findChild<QCheckBox *>(QStringLiteral("providerInsecure"));
        auto *warning = dialog.findChild<QLabel *>(QStringLiteral("providerTlsWarning"));
        QVERIFY(form.found() && caBundle && insecure && warning);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy tested(&dialog, &ui::ProvidersDialog::testFinished);

        form.fill(QStringLiteral("tls-jina"), QStringLiteral("jina"), QStringLiteral("https://127.0.0.1:%1/jina/v1").arg(tls.port()),
                  QStringLiteral("jina-reranker-v2"));
        caBundle->setText(t.workspace->dataDir() + QStringLiteral("/missing.pem"));
        QVERIFY(!dialog.save());
        QVERIFY2(form.message->text().contains(QStringLiteral("CA bundle")), qPrintable(form.message->text()));

        caBundle->clear();
        QVERIFY(dialog.save());
        QTest::mouseClick(form.test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, kTimeoutMs);
        QVERIFY2(!tested.last().first().toBool() && form.message->text().contains(QStringLiteral("(tls)")), qPrintable(form.message->text()));

        caBundle->setText(test::TcpForwarder::certificatePath());
        QVERIFY(dialog.save());
        QCOMPARE(api::ConfiguredProviders(*t.workspace).find(QStringLiteral("tls-jina"))->caBundle, test::TcpForwarder::certificatePath());
        QTest::mouseClick(form.test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, kTimeoutMs);
        QVERIFY2(tested.last().first().toBool(), qPrintable(form.message->text()));

        QVERIFY(!warning->isVisible());
        insecure->setChecked(true);
        QVERIFY(warning->isVisible());
        QVERIFY(!caBundle->isEnabled());
        QVERIFY(dialog.save());
        const auto saved = api::ConfiguredProviders(*t.workspace).find(QStringLiteral("tls-jina"));
        QVERIFY(saved->tlsInsecure);
        QVERIFY(saved->caBundle.isEmpty());
        { // shown again when the provider is opened
            ui::ProvidersDialog reopened(*t.workspace);
            Form again(reopened);
            QVERIFY(again.found());
            again.list->setCurrentRow(0);
            QCOMPARE(again.name->text(), QStringLiteral("tls-jina"));
            QVERIFY(reopened.findChild<QCheckBox *>(QStringLiteral("providerInsecure"))->isChecked());
            QVERIFY(!reopened.findChild<QLabel *>(QStringLiteral("providerTlsWarning"))->isHidden());
        }
        QTest::mouseClick(form.test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 3, kTimeoutMs);
        QVERIFY2(tested.last().first().toBool(), qPrintable(form.message->text()));
    }
};

QTEST_MAIN(TestProvidersDialog)
#include "tst_providers_dialog.moc"
