#include "new_knowledge_base_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rag::ui {

NewKnowledgeBaseDialog::NewKnowledgeBaseDialog(const Workspace &workspace, const QStringList &embedders, QWidget *parent)
    : QDialog(parent), m_workspace(workspace)
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
    for (const QString &provider : embedders)
        m_embedder->addItem(provider, provider);
    m_embedder->setEnabled(!embedders.isEmpty());
    m_embedder->setToolTip(embedders.isEmpty()
                               ? tr("Add an embedding provider (ragdesk providers add) to embed with it (docs/providers.md)")
                               : tr("A provider is asked once for the dimension of its vectors when the knowledge base is created"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("kbStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(6);
    m_busy->setTextVisible(false);
    m_busy->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Tokens per chunk"), m_chunkTokens);
    form->addRow(tr("&Overlap"), m_overlap);
    form->addRow(tr("&Embedder"), m_embedder);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(m_name, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty() && !isProbing());
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_busy);
    layout->addWidget(m_buttons);
}

NewKnowledgeBaseDialog::~NewKnowledgeBaseDialog()
{
    if (m_cancel)
        m_cancel->cancel();
    m_probe.waitForFinished(); // it calls m_providers, which goes with the dialog
}

api::KnowledgeBaseSpec NewKnowledgeBaseDialog::chosen() const
{
    api::KnowledgeBaseSpec spec;
    spec.name = m_name->text().trimmed();
    spec.chunkTokens = m_chunkTokens->value();
    spec.overlapPercent = m_overlap->value();
    spec.embedder = m_embedder->currentData().toString();
    return spec;
}

api::KnowledgeBaseSpec NewKnowledgeBaseDialog::spec() const
{
    return result() == QDialog::Accepted ? m_spec : chosen();
}

void NewKnowledgeBaseDialog::setBusy(bool busy, const QString &status)
{
    for (QWidget *field : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_chunkTokens),
                           static_cast<QWidget *>(m_overlap), static_cast<QWidget *>(m_embedder)})
        field->setEnabled(!busy && (field != m_embedder || m_embedder->count() > 1));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy && !m_name->text().trimmed().isEmpty());
    m_busy->setVisible(busy);
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
}

void NewKnowledgeBaseDialog::accept()
{
    const api::KnowledgeBaseSpec spec = chosen();
    if (spec.embedder == api::KnowledgeBaseSpec().embedder) {
        m_spec = spec;
        QDialog::accept();
        return;
    }
    if (isProbing())
        return;
    if (!m_providers)
        m_providers = std::make_unique<api::ProviderCalls>(m_workspace);
    m_cancel = CancelToken::create();
    setBusy(true, tr("Asking %1 for the dimension of its vectors...").arg(spec.embedder));
    m_probe = QtConcurrent::run([providers = m_providers.get(), spec, cancel = m_cancel] {
        return providers->withDimension(spec, cancel);
    });
    auto *watcher = new QFutureWatcher<Result<api::KnowledgeBaseSpec>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result<api::KnowledgeBaseSpec> probed = watcher->result();
        if (m_cancel->isCancelled())
            return; // the dialog was cancelled meanwhile
        if (!probed) {
            setBusy(false, probed.error());
            return;
        }
        m_spec = *probed;
        setBusy(false, QString());
        QDialog::accept();
    });
    watcher->setFuture(m_probe);
}

void NewKnowledgeBaseDialog::reject()
{
    if (m_cancel)
        m_cancel->cancel(); // the provider call stops; nothing is created
    QDialog::reject();
}

} // namespace rag::ui
