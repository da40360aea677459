// Edit > Assistants: what a chat answers with (docs/chat.md). Every setting `ragdesk assistant
// create` takes: knowledge bases, the chat model and the reranker (the providers that serve them),
// the search settings, temperature, answer length, citations, system prompt, prologue and the
// answer given when nothing is found. Create, edit (its conversations stay) and remove.
#pragma once

#include "api/records.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace rag {
class Workspace;
}

namespace rag::ui {

class AssistantsDialog : public QDialog {
    Q_OBJECT
public:
    explicit AssistantsDialog(Workspace &workspace, QWidget *parent = nullptr);

    void reload();
    void newAssistant();
    bool save(); // false (the reason on screen) when refused
    bool removeCurrent(bool confirmed = false);

Q_SIGNALS:
    void assistantsChanged();

private:
    QWidget *buildForm();
    void loadChoices(); // knowledge bases and providers to choose from
    void showAssistant(const QString &name);
    void showSpec(const api::AssistantSpec &spec);
    api::AssistantSpec specFromForm() const;
    void setMessage(const QString &text, bool error);

    Workspace &m_workspace;
    QListWidget *m_list = nullptr;
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
    QPushButton *m_remove = nullptr;
    QLabel *m_message = nullptr;
    QString m_editing; // the stored assistant the form shows; empty for a new one
};

} // namespace rag::ui
