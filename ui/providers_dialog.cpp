#include "providers_dialog.h"

#include "api/configured_providers.h"
#include "field_labels.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

namespace {
const FieldLabels &providerFields()
{
    static const FieldLabels labels = {{"--base-url", QObject::tr("Base URL")},
                                       {"--model", QObject::tr("Model")},
                                       {"--max-connections", QObject::tr("Max connections")},
                                       {"--timeout-ms", QObject::tr("Timeout")},
                                       {"--api-key-env", QObject::tr("the API key field")},
                                       {"--capability", QObject::tr("Capability")}};
    return labels;
}
} // namespace

ProvidersDialog::ProvidersDialog(Workspace &workspace, QWidget *parent) : QDialog(parent), m_workspace(workspace)
{
    setObjectName(QStringLiteral("providersDialog"));
    setWindowTitle(tr("Providers"));
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("providerList"));
    auto *add = new QPushButton(tr("New"));
    add->setObjectName(QStringLiteral("newProvider"));
    m_remove = new QPushButton(tr("Remove..."));
    m_remove->setObjectName(QStringLiteral("removeProvider"));

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
    m_connections->setValue(api::ProviderRecord().maxConnections);
    m_timeout = new QSpinBox;
    m_timeout->setObjectName(QStringLiteral("providerTimeout"));
    m_timeout->setRange(100, 600'000);
    m_timeout->setSingleStep(1000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setValue(api::ProviderRecord().timeoutMs);
    m_http2 = new QCheckBox(tr("HTTP/2 (many calls on one connection)"));
    m_http2->setObjectName(QStringLiteral("providerHttp2"));
    m_key = new QLineEdit;
    m_key->setObjectName(QStringLiteral("providerKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_forgetKey = new QCheckBox(tr("Forget the stored key"));
    m_forgetKey->setObjectName(QStringLiteral("providerForgetKey"));
    m_capability = new QComboBox;
    m_capability->setObjectName(QStringLiteral("providerCapability"));
    m_save = new QPushButton(tr("Save"));
    m_save->setObjectName(QStringLiteral("saveProvider"));
    m_test = new QPushButton(tr("Test"));
    m_test->setObjectName(QStringLiteral("testProvider"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("providerMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Kind"), m_kind);
    form->addRow(tr("&Base URL"), m_baseUrl);
    form->addRow(tr("&Model"), m_model);
    form->addRow(tr("Max &connections"), m_connections);
    form->addRow(tr("&Timeout"), m_timeout);
    form->addRow(QString(), m_http2);
    form->addRow(tr("API &key"), m_key);
    form->addRow(QString(), m_forgetKey);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_save);
    form->addRow(actions);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_capability, 1);
    testRow->addWidget(m_test);
    auto *testLabel = new QLabel(tr("Test &as"));
    testLabel->setBuddy(m_capability);
    form->addRow(testLabel, testRow);
    auto *right = new QVBoxLayout;
    right->addLayout(form);
    right->addWidget(m_message);
    right->addStretch(1);

    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_remove);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 2);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(close);

    connect(add, &QPushButton::clicked, this, &ProvidersDialog::newProvider);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeCurrent(); });
    connect(m_save, &QPushButton::clicked, this, &ProvidersDialog::save);
    connect(m_test, &QPushButton::clicked, this, &ProvidersDialog::testCurrent);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProvidersDialog::showCapabilities);
    connect(m_list, &QListWidget::currentTextChanged, this, &ProvidersDialog::showProvider);
    resize(760, 460);
    reload();
    if (m_list->count() == 0)
        newProvider();
}

ProvidersDialog::~ProvidersDialog()
{
    // The test call reads the workspace's database, which outlives this dialog.
    m_testing.waitForFinished();
}

void ProvidersDialog::reload()
{
    const QString current = m_editing;
    m_list->clear();
    auto providers = api::ConfiguredProviders(m_workspace).list();
    if (!providers) {
        setMessage(providers.error(), true);
        return;
    }
    for (const api::ProviderRecord &provider : std::as_const(*providers))
        m_list->addItem(provider.name);
    const auto found = m_list->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
    else if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

void ProvidersDialog::newProvider()
{
    m_list->clearSelection();
    m_list->setCurrentItem(nullptr);
    m_editing.clear();
    const api::ProviderRecord defaults;
    m_name->clear();
    m_name->setReadOnly(false);
    m_kind->setCurrentIndex(m_kind->findData(QStringLiteral("openai-compatible")));
    m_baseUrl->clear();
    m_model->clear();
    m_connections->setValue(defaults.maxConnections);
    m_timeout->setValue(defaults.timeoutMs);
    m_http2->setChecked(defaults.http2);
    m_key->clear();
    m_key->setPlaceholderText(tr("optional; kept in the keychain, never shown again"));
    m_forgetKey->setChecked(false);
    m_forgetKey->setVisible(false);
    m_remove->setEnabled(false);
    m_test->setEnabled(false); // a provider is tested once saved
    setMessage(tr("A new provider: fill in the form and Save."), false);
    m_name->setFocus();
}

void ProvidersDialog::showProvider(const QString &name)
{
    if (name.isEmpty())
        return;
    auto provider = api::ConfiguredProviders(m_workspace).find(name);
    if (!provider) {
        setMessage(provider.error(), true);
        return;
    }
    m_editing = provider->name;
    m_name->setText(provider->name);
    m_name->setReadOnly(true); // the name is how assistants and the call log refer to it
    m_kind->setCurrentIndex(m_kind->findData(provider->kind));
    m_baseUrl->setText(provider->baseUrl);
    m_model->setText(provider->model);
    m_connections->setValue(provider->maxConnections);
    m_timeout->setValue(provider->timeoutMs);
    m_http2->setChecked(provider->http2);
    m_key->clear();
    const bool hasKey = provider->keyStore != u"none";
    m_key->setPlaceholderText(hasKey ? tr("a key is stored (%1); type to replace it").arg(provider->keyStore)
                                     : tr("none stored; optional"));
    m_forgetKey->setChecked(false);
    m_forgetKey->setVisible(hasKey);
    m_remove->setEnabled(true);
    m_test->setEnabled(!m_testing.isRunning());
    showCapabilities();
    const QString inUse = api::ConfiguredProviders(m_workspace).capabilityInUse(provider->name);
    if (const int index = m_capability->findData(inUse); index >= 0)
        m_capability->setCurrentIndex(index);
    setMessage(QString(), false);
}

void ProvidersDialog::showCapabilities()
{
    m_capability->clear();
    for (const QString &capability : api::ConfiguredProviders::capabilitiesOf(m_kind->currentData().toString()))
        m_capability->addItem(capability, capability);
}

bool ProvidersDialog::save()
{
    api::ProviderRecord record;
    record.name = m_name->text().trimmed();
    record.kind = m_kind->currentData().toString();
    record.baseUrl = m_baseUrl->text().trimmed();
    record.model = m_model->text().trimmed();
    record.maxConnections = m_connections->value();
    record.timeoutMs = m_timeout->value();
    record.http2 = m_http2->isChecked();
    const api::ConfiguredProviders providers(m_workspace);
    QString warning;
    Result<api::ProviderRecord> saved = m_editing.isEmpty()
        ? providers.add(record, m_key->text(), &warning)
        : providers.update(record,
                           !m_key->text().isEmpty() ? std::optional(m_key->text())
                           : m_forgetKey->isChecked() ? std::optional(QString()) : std::nullopt,
                           &warning);
    if (!saved) {
        setMessage(withFieldLabels(saved.error(), providerFields()), true);
        return false;
    }
    m_editing = saved->name;
    m_key->clear(); // never shown again
    reload();
    setMessage(warning.isEmpty() ? tr("Saved '%1'.").arg(saved->name) : tr("Saved '%1'. %2").arg(saved->name, warning), false);
    Q_EMIT providersChanged();
    return true;
}

bool ProvidersDialog::removeCurrent(bool confirmed)
{
    if (m_editing.isEmpty())
        return false;
    if (!confirmed
        && QMessageBox::question(this, tr("Remove provider"),
                                 tr("Remove the provider '%1' and its stored key?").arg(m_editing),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return false;
    if (auto removed = api::ConfiguredProviders(m_workspace).remove(m_editing); !removed) {
        setMessage(removed.error(), true);
        return false;
    }
    const QString name = std::exchange(m_editing, QString());
    reload();
    if (m_list->count() == 0)
        newProvider();
    setMessage(tr("Removed '%1'.").arg(name), false);
    Q_EMIT providersChanged();
    return true;
}

void ProvidersDialog::testCurrent()
{
    if (m_editing.isEmpty() || m_testing.isRunning())
        return;
    m_test->setEnabled(false);
    const QString capability = m_capability->currentData().toString();
    setMessage(tr("Testing '%1' (%2)... up to %3 s").arg(m_editing, capability).arg(m_timeout->value() / 1000.0), false);
    // The test runs an event loop of its own on the thread that calls it: a pool thread here.
    m_testing = QtConcurrent::run([providers = api::ConfiguredProviders(m_workspace), name = m_editing, capability, this] {
        const api::ProviderTestReport report = providers.test(name, capability);
        QMetaObject::invokeMethod(this, [this, report] {
            m_test->setEnabled(!m_editing.isEmpty());
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

void ProvidersDialog::setMessage(const QString &text, bool error)
{
    setFormMessage(m_message, text, error);
}

} // namespace rag::ui
