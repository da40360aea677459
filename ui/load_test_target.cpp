#include "load_test_target.h"

#include "api/target_keys.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>

#include <utility>

namespace rag::ui {

namespace {

const QString kEmbedded = QStringLiteral("embedded");
const QString kOpenAi = QStringLiteral("openai");
const QString kBoth = QStringLiteral("both");

void reselect(QComboBox *box, const QStringList &names, int fixedItems, QString *wanted)
{
    // A remembered choice counts once, when the first list comes; then the user's choice rules.
    const QString selected = wanted->isEmpty() ? box->currentData().toString() : std::exchange(*wanted, QString());
    while (box->count() > fixedItems)
        box->removeItem(fixedItems);
    for (const QString &name : names)
        box->addItem(name, name);
    const int row = box->findData(selected);
    box->setCurrentIndex(row >= 0 ? row : (box->count() > 0 ? 0 : -1));
}

} // namespace

LoadTestTarget::LoadTestTarget(QFormLayout *layout, QObject *parent) : QObject(parent), m_layout(layout)
{
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("loadTestTarget"));
    m_kind->addItem(tr("this workspace's engine"), kEmbedded);
    m_kind->addItem(tr("an OpenAI-compatible endpoint"), kOpenAi);
    m_kind->addItem(tr("a RAGFlow chat"), QStringLiteral("ragflow"));
    m_kind->setToolTip(tr("What answers the questions: the embedded engine, or a RAG server over HTTP"));

    m_kb = new QComboBox;
    m_kb->setObjectName(QStringLiteral("loadTestKb"));
    m_assistant = new QComboBox;
    m_assistant->setObjectName(QStringLiteral("loadTestAssistant"));
    m_assistant->addItem(tr("(the knowledge base's default)"), QString());
    m_assistant->setToolTip(tr("Whose settings (top N, reranker, chat model) the questions are answered with"));

    m_mode = new QComboBox;
    m_mode->setObjectName(QStringLiteral("loadTestMode"));
    m_mode->addItem(tr("async"), QStringLiteral("async"));
    m_mode->addItem(tr("blocking"), QStringLiteral("blocking"));
    m_mode->addItem(tr("async and blocking, compared"), kBoth);
    m_mode->setToolTip(tr("async: the engine's coroutine pipeline; blocking: the thread-per-request baseline; "
                          "both: the same load on each, one after the other, shown side by side"));
    m_pool = new QSpinBox;
    m_pool->setObjectName(QStringLiteral("loadTestPool"));
    m_pool->setRange(1, 10000);
    m_pool->setValue(35);
    m_pool->setPrefix(tr("pool "));
    m_pool->setToolTip(tr("Threads of the blocking baseline"));
    auto *engine = new QHBoxLayout;
    engine->setContentsMargins(0, 0, 0, 0);
    engine->addWidget(m_mode, 1);
    engine->addWidget(m_pool, 1);
    m_engineRow = new QWidget;
    m_engineRow->setLayout(engine);

    m_providers = new QComboBox;
    m_providers->setObjectName(QStringLiteral("loadTestProfile"));
    m_providers->addItem(tr("simulator: field (hosted-provider latencies)"), QStringLiteral("field"));
    m_providers->addItem(tr("simulator: instant (no latency)"), QStringLiteral("instant"));
    m_providers->addItem(tr("real providers (the assistant's own)"), QStringLiteral("real"));
    m_providers->setToolTip(tr("The provider simulator runs as its own process and answers reranks and chats; "
                               "real providers are called as the assistant is configured, and cost what they cost"));

    m_url = new QLineEdit;
    m_url->setObjectName(QStringLiteral("loadTestUrl"));
    m_url->setPlaceholderText(tr("https://rag.example.com/v1"));
    m_remoteId = new QLineEdit;
    m_remoteId->setObjectName(QStringLiteral("loadTestRemoteId"));
    m_remoteIdLabel = new QLabel;
    m_key = new QLineEdit;
    m_key->setObjectName(QStringLiteral("loadTestKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setToolTip(tr("Sent as \"Authorization: Bearer ...\"; kept in the keychain for this URL, never shown again"));
    setKeyKept(false);

    m_layout->addRow(tr("Target"), m_kind);
    m_layout->addRow(tr("Knowledge base"), m_kb);
    m_layout->addRow(tr("Assistant"), m_assistant);
    m_layout->addRow(tr("Engine"), m_engineRow);
    m_layout->addRow(tr("Providers"), m_providers);
    m_layout->addRow(tr("URL"), m_url);
    m_layout->addRow(m_remoteIdLabel, m_remoteId);
    m_layout->addRow(tr("API key"), m_key);

    for (QComboBox *box : {m_kind, m_mode})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateVisible();
            Q_EMIT changed();
        });
    updateVisible();
}

void LoadTestTarget::setKnowledgeBases(const QStringList &names)
{
    reselect(m_kb, names, 0, &m_wantedKb);
}

void LoadTestTarget::setAssistants(const QStringList &names)
{
    reselect(m_assistant, names, 1, &m_wantedAssistant);
}

bool LoadTestTarget::isRemote() const
{
    return m_kind->currentData().toString() != kEmbedded;
}

bool LoadTestTarget::hasKnowledgeBase() const
{
    return m_kb->count() > 0;
}

bool LoadTestTarget::comparesModes() const
{
    return !isRemote() && m_mode->currentData().toString() == kBoth;
}

QString LoadTestTarget::url() const
{
    return m_url->text().trimmed();
}

Result<QString> LoadTestTarget::takeApiKey(const Workspace &workspace, QString *warning)
{
    const api::TargetKeys keys(workspace);
    if (const QString typed = m_key->text().trimmed(); !typed.isEmpty()) {
        if (auto stored = keys.store(url(), typed, warning); !stored)
            return fail(tr("Could not keep the API key: %1").arg(stored.error()));
        m_key->clear();
    }
    const QString key = keys.read(url());
    setKeyKept(!key.isEmpty());
    return key;
}

void LoadTestTarget::setKeyKept(bool kept)
{
    m_key->setPlaceholderText(kept ? tr("kept in the keychain; type to replace it") : tr("none (or type it once)"));
}

void LoadTestTarget::saveSettings(QSettings &settings) const
{
    settings.setValue(QStringLiteral("loadTest/target/kind"), m_kind->currentData());
    settings.setValue(QStringLiteral("loadTest/target/kb"), m_kb->currentData());
    settings.setValue(QStringLiteral("loadTest/target/assistant"), m_assistant->currentData());
    settings.setValue(QStringLiteral("loadTest/target/mode"), m_mode->currentData());
    settings.setValue(QStringLiteral("loadTest/target/pool"), m_pool->value());
    settings.setValue(QStringLiteral("loadTest/target/providers"), m_providers->currentData());
    settings.setValue(QStringLiteral("loadTest/target/url"), m_url->text());
    settings.setValue(QStringLiteral("loadTest/target/remoteId"), m_remoteId->text());
}

void LoadTestTarget::restoreSettings(const QSettings &settings)
{
    const auto choose = [&settings](QComboBox *box, const char *key) {
        const int row = box->findData(settings.value(QStringLiteral("loadTest/target/") + QLatin1String(key)));
        if (row >= 0)
            box->setCurrentIndex(row);
    };
    choose(m_kind, "kind");
    choose(m_mode, "mode");
    choose(m_providers, "providers");
    m_pool->setValue(settings.value(QStringLiteral("loadTest/target/pool"), m_pool->value()).toInt());
    m_url->setText(settings.value(QStringLiteral("loadTest/target/url")).toString());
    m_remoteId->setText(settings.value(QStringLiteral("loadTest/target/remoteId")).toString());
    m_wantedKb = settings.value(QStringLiteral("loadTest/target/kb")).toString();
    m_wantedAssistant = settings.value(QStringLiteral("loadTest/target/assistant")).toString();
    updateVisible();
}

QJsonObject LoadTestTarget::targetJson() const
{
    if (isRemote()) {
        const bool openai = m_kind->currentData().toString() == kOpenAi;
        return {{QStringLiteral("kind"), m_kind->currentData().toString()},
                {QStringLiteral("url"), url()},
                {openai ? QStringLiteral("model") : QStringLiteral("chat_id"), m_remoteId->text().trimmed()}};
    }
    const QString mode = comparesModes() ? QStringLiteral("async") : m_mode->currentData().toString();
    QJsonObject target{{QStringLiteral("kind"), kEmbedded}, {QStringLiteral("kb"), m_kb->currentText()},
                       {QStringLiteral("mode"), mode}};
    if (const QString assistant = m_assistant->currentData().toString(); !assistant.isEmpty())
        target.insert(QStringLiteral("assistant"), assistant);
    if (m_mode->currentData().toString() != QLatin1String("async"))
        target.insert(QStringLiteral("pool"), m_pool->value());
    return target;
}

QJsonObject LoadTestTarget::providersJson() const
{
    if (m_providers->currentData().toString() == QLatin1String("real"))
        return {{QStringLiteral("real"), true}};
    return {{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("profile"), m_providers->currentData().toString()}}}};
}

QString LoadTestTarget::scenarioName() const
{
    if (isRemote())
        return url().isEmpty() ? QStringLiteral("remote") : url();
    return m_kb->currentText().isEmpty() ? QStringLiteral("desktop") : m_kb->currentText();
}

void LoadTestTarget::updateVisible()
{
    const bool remote = isRemote();
    for (QWidget *row : {static_cast<QWidget *>(m_kb), static_cast<QWidget *>(m_assistant), m_engineRow,
                         static_cast<QWidget *>(m_providers)})
        m_layout->setRowVisible(row, !remote);
    for (QWidget *row : {static_cast<QWidget *>(m_url), static_cast<QWidget *>(m_remoteId), static_cast<QWidget *>(m_key)})
        m_layout->setRowVisible(row, remote);
    const bool openai = m_kind->currentData().toString() == kOpenAi;
    m_remoteIdLabel->setText(openai ? tr("Model") : tr("Chat id"));
    m_remoteId->setPlaceholderText(openai ? tr("the model name the endpoint expects") : tr("the RAGFlow chat (assistant) id"));
    m_pool->setEnabled(m_mode->currentData().toString() != QLatin1String("async"));
}

} // namespace rag::ui
