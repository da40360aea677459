// Edit > Assistants: what a chat answers with (docs/chat.md). Every setting `ragdesk assistant
// create` takes: knowledge bases, the chat model and the reranker (the providers that serve them),
// the search settings, temperature, answer length, citations, system prompt, prologue and the
// answer given when nothing is found. Create, edit (its conversations stay) and remove.
#pragma once

#include "api/records.h"
#include "record_list_dialog.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSpinBox;

namespace rag {
class Workspace;
}

namespace rag::ui {

class AssistantsDialog : public RecordListDialog {
    Q_OBJECT
public:
    explicit AssistantsDialog(Workspace &workspace, QWidget *parent = nullptr);

protected:
    Result<QStringList> storedNames() const override;
    void showEmptyForm() override;
    void showRecord(const QString &name) override;
    Result<QString> saveForm() override;
    QString removeQuestion(const QString &name) const override;
    Result<void> removeRecord(const QString &name) override;

private:
    QWidget *buildForm();
    void loadChoices(); // knowledge bases and providers to choose from
    void showSpec(const api::AssistantSpec &spec);
    api::AssistantSpec specFromForm() const;

    Workspace &m_workspace;
    QLineEdit *m_name = nullptr;
    QListWidget *m_knowledgeBases = nullptr;
    QComboBox *m_llm = nullptr;
    QComboBox *m_reranker = nullptr;
    QSpinBox *m_topN = nullptr;
    QSpinBox *m_topK = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QDoubleSpinBox *m_vectorWeight = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QCheckBox *m_quote = nullptr;
    QPlainTextEdit *m_systemPrompt = nullptr;
    QLineEdit *m_prologue = nullptr;
    QLineEdit *m_emptyResponse = nullptr;
};

} // namespace rag::ui
