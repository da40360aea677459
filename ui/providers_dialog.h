// Edit > Providers: the rerank, embedding and chat providers of the workspace (docs/providers.md).
// Add, edit and remove them; an API key typed here goes to the keychain (or the fallback file,
// said out loud) and is never shown again; Test makes one real call of what the provider is used
// for, off the GUI thread, and shows its latency or the provider's own error.
#pragma once

#include "record_list_dialog.h"

#include <QFuture>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace rag {
class Workspace;
}

namespace rag::ui {

class ProvidersDialog : public RecordListDialog {
    Q_OBJECT
public:
    explicit ProvidersDialog(Workspace &workspace, QWidget *parent = nullptr);
    ~ProvidersDialog() override;

    void testCurrent(); // reports through testFinished

Q_SIGNALS:
    void testFinished(bool ok);

protected:
    Result<QStringList> storedNames() const override;
    void showEmptyForm() override;
    void showRecord(const QString &name) override;
    Result<QString> saveForm() override;
    QString removeQuestion(const QString &name) const override;
    Result<void> removeRecord(const QString &name) override;

private:
    QWidget *buildForm();
    void showCapabilities();

    Workspace &m_workspace;
    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QSpinBox *m_connections = nullptr;
    QSpinBox *m_timeout = nullptr;
    QCheckBox *m_http2 = nullptr;
    QLineEdit *m_caBundle = nullptr;
    QCheckBox *m_insecure = nullptr;
    QLabel *m_tlsWarning = nullptr; // shown while certificates go unchecked
    QLineEdit *m_key = nullptr;
    QCheckBox *m_forgetKey = nullptr;
    QComboBox *m_capability = nullptr;
    QPushButton *m_test = nullptr;
    QFuture<void> m_testing;
};

} // namespace rag::ui
