// The load-test panel's scenario: a form (what is tested, LoadTestTarget; the load; questions and
// thresholds), or a scenario file run as it is. Either way the scenario goes
// through parseScenario, so the form's errors are the command line's, word for word.
#pragma once

#include "core/result.h"
#include "loadtest/scenario.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QJsonValue;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QFormLayout;

namespace rag::ui {

class LoadTestTarget;

struct PreparedRun {
    loadtest::Scenario scenario;
    loadtest::QuestionSet questions;
};

class LoadTestForm : public QWidget {
    Q_OBJECT
public:
    explicit LoadTestForm(QWidget *parent = nullptr);

    // Keeps the selected knowledge base when it is still listed.
    void setKnowledgeBases(const QStringList &names);
    void setAssistants(const QStringList &names); // likewise
    LoadTestTarget *target() const { return m_target; }
    // The scenario JSON the form describes (what "Run" validates and runs).
    QByteArray formJson() const;
    // The scenario and its questions, or the validator's message. A scenario file is read again
    // here, so what runs is what the file says now.
    Result<PreparedRun> prepare() const;

    // Uses the file instead of the form (which is then disabled) when it is a valid scenario.
    Result<void> openScenarioFile(const QString &path);
    void useForm(); // back to the form
    QString scenarioFile() const { return m_scenarioFile; }
    // The form's values under "loadTest/" (docs/desktop.md, "What the window remembers"): saved
    // when a run starts and when the window closes, restored when it opens. Never a key.
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);
    // Locked while a run goes: what is on screen is what is running.
    void setLocked(bool locked);

Q_SIGNALS:
    void error(const QString &message); // a scenario file that could not be opened

private:
    void buildTarget();
    void buildLoad();
    void buildQuestions();
    void updateEnabled();
    QJsonValue sweepJson() const;

    QString m_scenarioFile;
    bool m_locked = false;
    QPushButton *m_open = nullptr;
    QWidget *m_form = nullptr;
    QFormLayout *m_layout = nullptr;
    QLabel *m_fileBanner = nullptr;
    QPushButton *m_useForm = nullptr;
    LoadTestTarget *m_target = nullptr;
    QComboBox *m_model = nullptr;
    QSpinBox *m_users = nullptr;
    QDoubleSpinBox *m_ramp = nullptr;
    QDoubleSpinBox *m_think = nullptr;
    QCheckBox *m_thinkExponential = nullptr;
    QWidget *m_thinkRow = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QCheckBox *m_poisson = nullptr;
    QDoubleSpinBox *m_warmup = nullptr;
    QDoubleSpinBox *m_duration = nullptr;
    QLineEdit *m_sweep = nullptr;
    QLineEdit *m_questionsFile = nullptr;
    QPlainTextEdit *m_thresholds = nullptr;
};

} // namespace rag::ui
