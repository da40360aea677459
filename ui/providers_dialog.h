// Edit > Providers: the rerank, embedding and chat providers of the workspace (docs/providers.md).
// Add, edit and remove them; an API key typed here goes to the keychain (or the fallback file,
// said out loud) and is never shown again; Test makes one real call of what the provider is used
// for, off the GUI thread, and shows its latency or the provider's own error.
#pragma once

#include "api/records.h"

#include <QDialog>
#include <QFuture>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace rag {
class Workspace;
}

namespace rag::ui {

class ProvidersDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProvidersDialog(Workspace &workspace, QWidget *parent = nullptr);
    ~ProvidersDialog() override;

    void reload(); // the list, the current provider selected again
    void newProvider(); // an empty form for a provider not yet stored
    bool save();        // the form: added or changed; false (the reason on screen) when refused
    bool removeCurrent(bool confirmed = false);
    void testCurrent(); // reports through testFinished

Q_SIGNALS:
    void testFinished(bool ok);
    void providersChanged(); // added, changed or removed

private:
    void showProvider(const QString &name);
    void showCapabilities();
    void setMessage(const QString &text, bool error);

    Workspace &m_workspace;
    QListWidget *m_list = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QSpinBox *m_connections = nullptr;
    QSpinBox *m_timeout = nullptr;
    QCheckBox *m_http2 = nullptr;
    QLineEdit *m_key = nullptr;
    QCheckBox *m_forgetKey = nullptr;
    QComboBox *m_capability = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_message = nullptr;
    QString m_editing; // the stored provider the form shows; empty for a new one
    QFuture<void> m_testing;
};

} // namespace rag::ui
