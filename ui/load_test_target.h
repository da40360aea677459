// The load-test form's first rows: what is load-tested and with which providers. This
// workspace's engine (a knowledge base, optionally an assistant, async, blocking or both one after
// the other, against the provider simulator or the assistant's real providers), or a remote RAG
// endpoint (OpenAI-compatible or a RAGFlow chat) whose key is entered once and kept in the
// keychain (api::TargetKeys). Its JSON is the scenario format's (docs/loadtest.md).
#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

class QComboBox;
class QSettings;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QWidget;

namespace rag {
class Workspace;
}

namespace rag::ui {

class LoadTestTarget : public QObject {
    Q_OBJECT
public:
    // Adds its rows to `layout` (the form's one layout, so the labels line up).
    LoadTestTarget(QFormLayout *layout, QObject *parent = nullptr);

    void setKnowledgeBases(const QStringList &names); // keeps the selected one when still listed
    void setAssistants(const QStringList &names);     // likewise

    bool isRemote() const;
    bool hasKnowledgeBase() const;
    // "Async and blocking, compared": the form's scenario is run async, then blocking.
    bool comparesModes() const;
    QString url() const;      // a remote target's
    // The remote target's key for a run: a key typed in the field is kept (api::TargetKeys) and
    // the field emptied; otherwise the one kept for the URL, or none. `warning` gets the key
    // store's notice when it fell back to the file.
    Result<QString> takeApiKey(const Workspace &workspace, QString *warning);

    // Under "loadTest/target/" (never the key): what the form showed at the last run or quit.
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

    QJsonObject targetJson() const;
    QJsonObject providersJson() const;
    QString scenarioName() const;
    void updateVisible();

Q_SIGNALS:
    void changed(); // a choice that shows or hides rows

private:
    QFormLayout *m_layout;
    QComboBox *m_kind = nullptr;
    QComboBox *m_kb = nullptr;
    QComboBox *m_assistant = nullptr;
    QComboBox *m_mode = nullptr;
    QSpinBox *m_pool = nullptr;
    QWidget *m_engineRow = nullptr;
    QComboBox *m_providers = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_remoteId = nullptr; // the model (OpenAI-compatible) or the chat id (RAGFlow)
    QLabel *m_remoteIdLabel = nullptr;
    QLineEdit *m_key = nullptr;
    // Restored before the lists arrive: selected once they do (setKnowledgeBases, setAssistants).
    QString m_wantedKb;
    QString m_wantedAssistant;

    void setKeyKept(bool kept); // says so in the key field's placeholder
};

} // namespace rag::ui
