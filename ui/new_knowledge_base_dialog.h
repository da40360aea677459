// File > New knowledge base: its name, how its documents are cut into chunks (tokens per chunk,
// overlap) and what embeds them, as `ragdesk kb create` takes them (docs/search.md). An embedding
// provider is asked for the dimension of its vectors when Create is pressed: the dialog stays open
// and busy meanwhile, says why when the provider cannot embed, and Cancel stops the call.
#pragma once

#include "api/provider_calls.h"

#include <QDialog>
#include <QFuture>

#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;

namespace rag {
class Workspace;
}

namespace rag::ui {

class NewKnowledgeBaseDialog : public QDialog {
    Q_OBJECT
public:
    // `embedders`: the configured providers that serve embeddings, offered beside the built-in one.
    NewKnowledgeBaseDialog(const Workspace &workspace, const QStringList &embedders, QWidget *parent = nullptr);
    ~NewKnowledgeBaseDialog() override;

    // After the dialog was accepted: the spec, with the embedder's dimension.
    api::KnowledgeBaseSpec spec() const;
    bool isProbing() const { return m_probe.isRunning(); }

    void accept() override;
    void reject() override;

private:
    api::KnowledgeBaseSpec chosen() const;
    void setBusy(bool busy, const QString &status);

    const Workspace &m_workspace;
    QLineEdit *m_name = nullptr;
    QSpinBox *m_chunkTokens = nullptr;
    QSpinBox *m_overlap = nullptr;
    QComboBox *m_embedder = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_busy = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    std::unique_ptr<api::ProviderCalls> m_providers; // made for the first probe
    CancelTokenPtr m_cancel;
    QFuture<Result<api::KnowledgeBaseSpec>> m_probe;
    api::KnowledgeBaseSpec m_spec;
};

} // namespace rag::ui
