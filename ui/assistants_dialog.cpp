#include "assistants_dialog.h"

#include "api/assistants.h"
#include "api/configured_providers.h"
#include "api/knowledge_bases.h"
#include "field_labels.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSpinBox>

namespace rag::ui {

namespace {
const FieldLabels &assistantFields()
{
    static const FieldLabels labels = {{"--kb", QObject::tr("Knowledge bases")},
                                       {"--llm", QObject::tr("Chat model")},
                                       {"--reranker", QObject::tr("Reranker")},
                                       {"--top-n", QObject::tr("Top N")},
                                       {"--top-k", QObject::tr("Top K")},
                                       {"--threshold", QObject::tr("Similarity threshold")},
                                       {"--vector-weight", QObject::tr("Vector weight")},
                                       {"--temperature", QObject::tr("Temperature")},
                                       {"--max-tokens", QObject::tr("Max tokens")},
                                       {"--system", QObject::tr("System prompt")}};
    return labels;
}

QDoubleSpinBox *fractionBox(const char *name, double max, double step)
{
    auto *box = new QDoubleSpinBox;
    box->setObjectName(QString::fromLatin1(name));
    box->setRange(0, max);
    box->setSingleStep(step);
    box->setDecimals(2);
    return box;
}

void selectData(QComboBox *combo, const QString &value)
{
    if (const int index = combo->findData(value); index >= 0)
        combo->setCurrentIndex(index);
}
} // namespace

AssistantsDialog::AssistantsDialog(Workspace &workspace, QWidget *parent)
    : RecordListDialog(QStringLiteral("assistant"), parent), m_workspace(workspace)
{
    setObjectName(QStringLiteral("assistantsDialog"));
    setWindowTitle(tr("Assistants"));
    auto *scroll = new QScrollArea; // the form is long; a small screen scrolls it
    scroll->setWidget(buildForm());
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    setForm(scroll);
    resize(860, 620);
    loadChoices();
    reload();
}

QWidget *AssistantsDialog::buildForm()
{
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("assistantName"));
    m_knowledgeBases = new QListWidget;
    m_knowledgeBases->setObjectName(QStringLiteral("assistantKnowledgeBases"));
    m_knowledgeBases->setMaximumHeight(110);
    m_llm = new QComboBox;
    m_llm->setObjectName(QStringLiteral("assistantLlm"));
    m_reranker = new QComboBox;
    m_reranker->setObjectName(QStringLiteral("assistantReranker"));
    m_topN = new QSpinBox;
    m_topN->setObjectName(QStringLiteral("assistantTopN"));
    m_topN->setRange(1, 100);
    m_topK = new QSpinBox;
    m_topK->setObjectName(QStringLiteral("assistantTopK"));
    m_topK->setRange(1, 10000);
    m_threshold = fractionBox("assistantThreshold", 1, 0.05);
    m_vectorWeight = fractionBox("assistantVectorWeight", 1, 0.05);
    m_temperature = fractionBox("assistantTemperature", 2, 0.1);
    m_maxTokens = new QSpinBox;
    m_maxTokens->setObjectName(QStringLiteral("assistantMaxTokens"));
    m_maxTokens->setRange(1, 1'000'000);
    m_quote = new QCheckBox(tr("Cite the passages answers come from"));
    m_quote->setObjectName(QStringLiteral("assistantQuote"));
    m_systemPrompt = new QPlainTextEdit;
    m_systemPrompt->setObjectName(QStringLiteral("assistantSystemPrompt"));
    m_systemPrompt->setPlaceholderText(tr("empty: the default prompt. {knowledge} marks where the passages go."));
    m_systemPrompt->setMaximumHeight(120);
    m_prologue = new QLineEdit;
    m_prologue->setObjectName(QStringLiteral("assistantPrologue"));
    m_prologue->setPlaceholderText(tr("the opening line of a new conversation"));
    m_emptyResponse = new QLineEdit;
    m_emptyResponse->setObjectName(QStringLiteral("assistantEmptyResponse"));
    m_emptyResponse->setPlaceholderText(tr("empty: ask the model anyway when nothing is found"));

    auto *form = new QWidget;
    auto *layout = new QFormLayout(form);
    layout->addRow(tr("&Name"), m_name);
    layout->addRow(tr("&Knowledge bases"), m_knowledgeBases);
    layout->addRow(tr("&Chat model"), m_llm);
    layout->addRow(tr("&Reranker"), m_reranker);
    layout->addRow(tr("Top &N (passages in the prompt)"), m_topN);
    layout->addRow(tr("Top &K (candidates per index)"), m_topK);
    layout->addRow(tr("Similarity &threshold"), m_threshold);
    layout->addRow(tr("&Vector weight"), m_vectorWeight);
    layout->addRow(tr("T&emperature"), m_temperature);
    layout->addRow(tr("&Max tokens"), m_maxTokens);
    layout->addRow(QString(), m_quote);
    layout->addRow(tr("&System prompt"), m_systemPrompt);
    layout->addRow(tr("&Prologue"), m_prologue);
    layout->addRow(tr("When nothing is &found"), m_emptyResponse);
    return form;
}

void AssistantsDialog::loadChoices()
{
    m_knowledgeBases->clear();
    if (auto kbs = api::KnowledgeBases(m_workspace).list(); kbs) {
        for (const api::KnowledgeBase &kb : std::as_const(*kbs)) {
            auto *item = new QListWidgetItem(kb.spec.name, m_knowledgeBases);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
    }
    m_llm->clear();
    m_llm->addItem(tr("built-in (extractive answers)"), QStringLiteral("builtin"));
    m_reranker->clear();
    m_reranker->addItem(tr("built-in"), QStringLiteral("builtin"));
    m_reranker->addItem(tr("none (hybrid order)"), QStringLiteral("none"));
    // Only providers that serve the role are offered: a reranker that reranks, a model that chats.
    const api::ConfiguredProviders providers(m_workspace);
    for (const QString &name : providers.namesServing(QStringLiteral("chat")))
        m_llm->addItem(name, name);
    for (const QString &name : providers.namesServing(QStringLiteral("rerank")))
        m_reranker->addItem(name, name);
}

Result<QStringList> AssistantsDialog::storedNames() const
{
    auto assistants = api::Assistants(m_workspace).list();
    if (!assistants)
        return fail(assistants.error());
    QStringList names;
    for (const api::Assistant &assistant : std::as_const(*assistants))
        names.append(assistant.spec.name);
    return names;
}

void AssistantsDialog::showEmptyForm()
{
    api::AssistantSpec defaults;
    if (m_knowledgeBases->count() == 1) // the one there is, as a user would pick it
        defaults.knowledgeBases = {m_knowledgeBases->item(0)->text()};
    showSpec(defaults);
    m_name->setReadOnly(false);
    setMessage(m_knowledgeBases->count() == 0 ? tr("Create a knowledge base first: an assistant answers from one.")
                                              : tr("A new assistant: fill in the form and Save."),
               m_knowledgeBases->count() == 0);
    m_name->setFocus();
}

void AssistantsDialog::showRecord(const QString &name)
{
    auto assistant = api::Assistants(m_workspace).find(name);
    if (!assistant) {
        setMessage(assistant.error(), true);
        return;
    }
    showSpec(assistant->spec);
    m_name->setReadOnly(true); // conversations and the CLI refer to it by name
}

void AssistantsDialog::showSpec(const api::AssistantSpec &spec)
{
    m_name->setText(spec.name);
    for (int row = 0; row < m_knowledgeBases->count(); ++row) {
        QListWidgetItem *item = m_knowledgeBases->item(row);
        item->setCheckState(spec.knowledgeBases.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
    selectData(m_llm, spec.llm);
    selectData(m_reranker, spec.reranker);
    m_topN->setValue(spec.topN);
    m_topK->setValue(spec.topK);
    m_threshold->setValue(spec.similarityThreshold);
    m_vectorWeight->setValue(spec.vectorSimilarityWeight);
    m_temperature->setValue(spec.temperature);
    m_maxTokens->setValue(spec.maxTokens);
    m_quote->setChecked(spec.quote);
    m_systemPrompt->setPlainText(spec.systemPrompt);
    m_prologue->setText(spec.prologue);
    m_emptyResponse->setText(spec.emptyResponse);
}

api::AssistantSpec AssistantsDialog::specFromForm() const
{
    api::AssistantSpec spec;
    spec.name = m_name->text().trimmed();
    for (int row = 0; row < m_knowledgeBases->count(); ++row) {
        if (m_knowledgeBases->item(row)->checkState() == Qt::Checked)
            spec.knowledgeBases.append(m_knowledgeBases->item(row)->text());
    }
    spec.llm = m_llm->currentData().toString();
    spec.reranker = m_reranker->currentData().toString();
    spec.topN = m_topN->value();
    spec.topK = m_topK->value();
    spec.similarityThreshold = m_threshold->value();
    spec.vectorSimilarityWeight = m_vectorWeight->value();
    spec.temperature = m_temperature->value();
    spec.maxTokens = m_maxTokens->value();
    spec.quote = m_quote->isChecked();
    spec.systemPrompt = m_systemPrompt->toPlainText();
    spec.prologue = m_prologue->text();
    spec.emptyResponse = m_emptyResponse->text();
    return spec;
}

Result<QString> AssistantsDialog::saveForm()
{
    const api::Assistants assistants(m_workspace);
    const api::AssistantSpec spec = specFromForm();
    auto saved = editing().isEmpty() ? assistants.create(spec) : assistants.update(spec);
    if (!saved)
        return fail(withFieldLabels(saved.error(), assistantFields()));
    return saved->spec.name;
}

QString AssistantsDialog::removeQuestion(const QString &name) const
{
    return tr("Remove the assistant '%1' and its conversations? This cannot be undone.").arg(name);
}

Result<void> AssistantsDialog::removeRecord(const QString &name)
{
    return api::Assistants(m_workspace).remove(name);
}

} // namespace rag::ui
