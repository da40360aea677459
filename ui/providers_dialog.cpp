#include "providers_dialog.h"

#include "api/configured_providers.h"
#include "field_labels.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

namespace {
const FieldLabels &providerFields()
{
    static const FieldLabels labels = {{"--base-url", QObject::tr("Base URL")},
                                       {"--model", QObject::tr("Model")},
                                       {"--max-connections", QObject::tr("Max connections")},
                                       {"--timeout-ms", QObject::tr("Timeout")},
                                       {"--ca-bundle", QObject::tr("CA bundle")},
                                       {"--api-key-env", QObject::tr("the API key field")},
                                       {"--capability", QObject::tr("Capability")}};
    return labels;
}
} // namespace

ProvidersDialog::ProvidersDialog(Workspace &workspace, QWidget *parent)
    : RecordListDialog(QStringLiteral("provider"), parent), m_workspace(workspace)
{
    setObjectName(QStringLiteral("providersDialog"));
    setWindowTitle(tr("Providers"));
    setForm(buildForm());
    resize(760, 460);
    reload();
}

ProvidersDialog::~ProvidersDialog()
{
    // The test call reads the workspace's database, which outlives this dialog.
    m_testing.waitForFinished();
}

QWidget *ProvidersDialog::buildForm()
{
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("providerName"));
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("providerKind"));
    for (const QString &kind : api::ConfiguredProviders::kindNames()) {
        m_kind->addItem(kind, kind);
        m_kind->setItemData(m_kind->count() - 1, tr("serves: %1").arg(api::ConfiguredProviders::capabilitiesOf(kind).join(QStringLiteral(", "))),
                            Qt::ToolTipRole);
    }
    m_baseUrl = new QLineEdit;
    m_baseUrl->setObjectName(QStringLiteral("providerBaseUrl"));
    m_baseUrl->setPlaceholderText(tr("empty: the vendor's public address"));
    m_model = new QLineEdit;
    m_model->setObjectName(QStringLiteral("providerModel"));
    m_connections = new QSpinBox;
    m_connections->setObjectName(QStringLiteral("providerConnections"));
    m_connections->setRange(1, 4096);
    m_timeout = new QSpinBox;
    m_timeout->setObjectName(QStringLiteral("providerTimeout"));
    m_timeout->setRange(100, 600'000);
    m_timeout->setSingleStep(1000);
    m_timeout->setSuffix(tr(" ms"));
    m_http2 = new QCheckBox(tr("HTTP/2 (many calls on one connection)"));
    m_http2->setObjectName(QStringLiteral("providerHttp2"));
    m_caBundle = new QLineEdit;
    m_caBundle->setObjectName(QStringLiteral("providerCaBundle"));
    m_caBundle->setPlaceholderText(tr("empty: the system's certificate authorities"));
    m_caBundle->setToolTip(tr("A PEM file of the certificate authorities this provider's certificate is checked "
                              "against, instead of the system's (a company's own CA)."));
    m_insecure = new QCheckBox(tr("Do not verify its TLS certificate (unsafe)"));
    m_insecure->setObjectName(QStringLiteral("providerInsecure"));
    m_tlsWarning = new QLabel(tr("TLS verification is off: anyone on the network path can read and change this "
                                 "provider's calls, API key included."));
    m_tlsWarning->setObjectName(QStringLiteral("providerTlsWarning"));
    m_tlsWarning->setWordWrap(true);
    m_tlsWarning->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold"));
    m_tlsWarning->setVisible(false);
    connect(m_insecure, &QCheckBox::toggled, this, [this](bool insecure) {
        m_tlsWarning->setVisible(insecure);
        m_caBundle->setEnabled(!insecure);
    });
    m_key = new QLineEdit;
    m_key->setObjectName(QStringLiteral("providerKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_forgetKey = new QCheckBox(tr("Forget the stored key"));
    m_forgetKey->setObjectName(QStringLiteral("providerForgetKey"));
    m_capability = new QComboBox;
    m_capability->setObjectName(QStringLiteral("providerCapability"));
    m_test = new QPushButton(tr("Test"));
    m_test->setObjectName(QStringLiteral("testProvider"));

    auto *form = new QWidget;
    auto *layout = new QFormLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("&Name"), m_name);
    layout->addRow(tr("&Kind"), m_kind);
    layout->addRow(tr("&Base URL"), m_baseUrl);
    layout->addRow(tr("&Model"), m_model);
    layout->addRow(tr("Max &connections"), m_connections);
    layout->addRow(tr("&Timeout"), m_timeout);
    layout->addRow(QString(), m_http2);
    layout->addRow(tr("CA b&undle"), m_caBundle);
    layout->addRow(QString(), m_insecure);
    layout->addRow(QString(), m_tlsWarning);
    layout->addRow(tr("API &key"), m_key);
    layout->addRow(QString(), m_forgetKey);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_capability, 1);
    testRow->addWidget(m_test);
    auto *testLabel = new QLabel(tr("Test &as"));
    testLabel->setBuddy(m_capability);
    layout->addRow(testLabel, testRow);
    connect(m_test, &QPushButton::clicked, this, &ProvidersDialog::testCurrent);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProvidersDialog::showCapabilities);
    return form;
}

Result<QStringList> ProvidersDialog::storedNames() const
{
    auto providers = api::ConfiguredProviders(m_workspace).list();
    if (!providers)
        return fail(providers.error());
    QStringList names;
    for (const api::ProviderRecord &provider : std::as_const(*providers))
        names.append(provider.name);
    return names;
}

void ProvidersDialog::showEmptyForm()
{
    const api::ProviderRecord defaults;
    m_name->clear();
    m_name->setReadOnly(false);
    m_kind->setCurrentIndex(m_kind->findData(QStringLiteral("openai-compatible")));
    m_baseUrl->clear();
    m_model->clear();
    m_connections->setValue(defaults.maxConnections);
    m_timeout->setValue(defaults.timeoutMs);
    m_http2->setChecked(defaults.http2);
    m_caBundle->clear();
    m_insecure->setChecked(defaults.tlsInsecure);
    m_key->clear();
    m_key->setPlaceholderText(tr("optional; kept in the keychain, never shown again"));
    m_forgetKey->setChecked(false);
    m_forgetKey->setVisible(false);
    m_test->setEnabled(false); // a provider is tested once saved
    setMessage(tr("A new provider: fill in the form and Save."), false);
    m_name->setFocus();
}

void ProvidersDialog::showRecord(const QString &name)
{
    auto provider = api::ConfiguredProviders(m_workspace).find(name);
    if (!provider) {
        setMessage(provider.error(), true);
        return;
    }
    m_name->setText(provider->name);
    m_name->setReadOnly(true); // the name is how assistants and the call log refer to it
    m_kind->setCurrentIndex(m_kind->findData(provider->kind));
    m_baseUrl->setText(provider->baseUrl);
    m_model->setText(provider->model);
    m_connections->setValue(provider->maxConnections);
    m_timeout->setValue(provider->timeoutMs);
    m_http2->setChecked(provider->http2);
    m_caBundle->setText(provider->caBundle);
    m_insecure->setChecked(provider->tlsInsecure);
    m_key->clear();
    const bool hasKey = provider->keyStore != u"none";
    m_key->setPlaceholderText(hasKey ? tr("a key is stored (%1); type to replace it").arg(provider->keyStore)
                                     : tr("none stored; optional"));
    m_forgetKey->setChecked(false);
    m_forgetKey->setVisible(hasKey);
    m_test->setEnabled(!m_testing.isRunning());
    showCapabilities();
    const QString inUse = api::ConfiguredProviders(m_workspace).capabilityInUse(provider->name);
    if (const int index = m_capability->findData(inUse); index >= 0)
        m_capability->setCurrentIndex(index);
}

void ProvidersDialog::showCapabilities()
{
    m_capability->clear();
    for (const QString &capability : api::ConfiguredProviders::capabilitiesOf(m_kind->currentData().toString()))
        m_capability->addItem(capability, capability);
}

Result<QString> ProvidersDialog::saveForm()
{
    api::ProviderRecord record;
    record.name = m_name->text().trimmed();
    record.kind = m_kind->currentData().toString();
    record.baseUrl = m_baseUrl->text().trimmed();
    record.model = m_model->text().trimmed();
    record.maxConnections = m_connections->value();
    record.timeoutMs = m_timeout->value();
    record.http2 = m_http2->isChecked();
    record.tlsInsecure = m_insecure->isChecked();
    record.caBundle = record.tlsInsecure ? QString() : m_caBundle->text().trimmed();
    const api::ConfiguredProviders providers(m_workspace);
    QString warning;
    Result<api::ProviderRecord> saved = editing().isEmpty()
        ? providers.add(record, m_key->text(), &warning)
        : providers.update(record,
                           !m_key->text().isEmpty() ? std::optional(m_key->text())
                           : m_forgetKey->isChecked() ? std::optional(QString()) : std::nullopt,
                           &warning);
    if (!saved)
        return fail(withFieldLabels(saved.error(), providerFields()));
    m_key->clear(); // never shown again
    if (!warning.isEmpty())
        setMessage(tr("Saved '%1'. %2").arg(saved->name, warning), false);
    return saved->name;
}

QString ProvidersDialog::removeQuestion(const QString &name) const
{
    return tr("Remove the provider '%1' and its stored key?").arg(name);
}

Result<void> ProvidersDialog::removeRecord(const QString &name)
{
    return api::ConfiguredProviders(m_workspace).remove(name);
}

void ProvidersDialog::testCurrent()
{
    if (editing().isEmpty() || m_testing.isRunning())
        return;
    m_test->setEnabled(false);
    const QString capability = m_capability->currentData().toString();
    setMessage(tr("Testing '%1' (%2)... up to %3 s").arg(editing(), capability).arg(m_timeout->value() / 1000.0), false);
    // The test runs an event loop of its own on the thread that calls it: a pool thread here.
    m_testing = QtConcurrent::run([providers = api::ConfiguredProviders(m_workspace), name = editing(), capability, this] {
        const api::ProviderTestReport report = providers.test(name, capability);
        QMetaObject::invokeMethod(this, [this, report] {
            m_test->setEnabled(!editing().isEmpty());
            if (report.ok)
                setMessage(tr("OK: %1 %2 answered in %3 ms (%4)")
                               .arg(report.provider, report.capability)
                               .arg(report.latencyMs, 0, 'f', 0)
                               .arg(report.detail),
                           false);
            else
                setMessage(tr("Failed: %1 %2: %3").arg(report.provider, report.capability, report.error), true);
            Q_EMIT testFinished(report.ok);
        }, Qt::QueuedConnection);
    });
}

} // namespace rag::ui
