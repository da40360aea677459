#include "new_knowledge_base_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rag::ui {

NewKnowledgeBaseDialog::NewKnowledgeBaseDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("newKnowledgeBaseDialog"));
    setWindowTitle(tr("New knowledge base"));
    const api::KnowledgeBaseSpec defaults;
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("kbName"));
    m_name->setPlaceholderText(tr("e.g. handbook"));
    m_chunkTokens = new QSpinBox;
    m_chunkTokens->setObjectName(QStringLiteral("kbChunkTokens"));
    m_chunkTokens->setRange(16, 8192); // what the store accepts
    m_chunkTokens->setSingleStep(64);
    m_chunkTokens->setValue(defaults.chunkTokens);
    m_chunkTokens->setToolTip(tr("Smaller chunks find narrower passages; larger ones carry more context into answers"));
    m_overlap = new QSpinBox;
    m_overlap->setObjectName(QStringLiteral("kbOverlap"));
    m_overlap->setRange(0, 90);
    m_overlap->setSuffix(QStringLiteral(" %"));
    m_overlap->setValue(defaults.overlapPercent);
    m_overlap->setToolTip(tr("How much of a chunk repeats at the start of the next, so a passage cut in two is found whole"));
    m_embedder = new QComboBox;
    m_embedder->setObjectName(QStringLiteral("kbEmbedder"));
    m_embedder->addItem(tr("built-in (offline)"), defaults.embedder);
    m_embedder->setEnabled(false);
    m_embedder->setToolTip(tr("Knowledge bases embed with the built-in embedder today (docs/providers.md)"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Tokens per chunk"), m_chunkTokens);
    form->addRow(tr("&Overlap"), m_overlap);
    form->addRow(tr("&Embedder"), m_embedder);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(m_name, &QLineEdit::textChanged, this, [ok = buttons->button(QDialogButtonBox::Ok)](const QString &text) {
        ok->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

api::KnowledgeBaseSpec NewKnowledgeBaseDialog::spec() const
{
    api::KnowledgeBaseSpec spec;
    spec.name = m_name->text().trimmed();
    spec.chunkTokens = m_chunkTokens->value();
    spec.overlapPercent = m_overlap->value();
    spec.embedder = m_embedder->currentData().toString();
    return spec;
}

} // namespace rag::ui
