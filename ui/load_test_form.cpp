#include "load_test_form.h"

#include "load_test_target.h"
#include "loadtest/load_test_job.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <initializer_list>

namespace rag::ui {

namespace {

// Asked when no questions file is chosen: about the demo knowledge base (resources/demo), and
// general enough that any knowledge base finds passages for them.
const QStringList kDemoQuestions = {
    QStringLiteral("How do I ingest a folder of documents?"),
    QStringLiteral("What is hybrid search?"),
    QStringLiteral("How does the reranker change the order of results?"),
    QStringLiteral("What is time to first chunk?"),
    QStringLiteral("What happens when a reranker fails?"),
    QStringLiteral("What is the difference between async and blocking mode?"),
};

QDoubleSpinBox *seconds(double value, double maximum, const QString &suffix = QStringLiteral(" s"))
{
    auto *box = new QDoubleSpinBox;
    box->setRange(0, maximum);
    box->setDecimals(1);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

} // namespace

LoadTestForm::LoadTestForm(QWidget *parent) : QWidget(parent)
{
    m_open = new QPushButton(tr("Open scenario…"));
    m_open->setObjectName(QStringLiteral("loadTestOpenScenario"));
    m_open->setToolTip(tr("Run a scenario JSON file as it is (the format of 'ragdesk loadtest')"));
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), {}, tr("Scenarios (*.json)"));
        if (path.isEmpty())
            return;
        if (auto opened = openScenarioFile(path); !opened)
            Q_EMIT error(opened.error());
    });
    m_fileBanner = new QLabel;
    m_fileBanner->setObjectName(QStringLiteral("loadTestScenarioFile"));
    m_fileBanner->setWordWrap(true);
    m_useForm = new QPushButton(tr("Use the form"));
    m_useForm->setObjectName(QStringLiteral("loadTestUseForm"));
    m_useForm->hide();
    connect(m_useForm, &QPushButton::clicked, this, &LoadTestForm::useForm);

    // One form layout for every field, so that the labels line up in one column.
    m_form = new QWidget;
    m_layout = new QFormLayout(m_form);
    m_layout->setContentsMargins(0, 0, 0, 0);
    buildTarget();
    buildLoad();
    buildQuestions();

    auto *top = new QHBoxLayout;
    top->addWidget(m_open);
    top->addWidget(m_useForm);
    top->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_fileBanner);
    layout->addWidget(m_form);
    layout->addStretch(1);
    updateEnabled();
}

void LoadTestForm::buildTarget()
{
    m_target = new LoadTestTarget(m_layout, this);
    connect(m_target, &LoadTestTarget::changed, this, &LoadTestForm::updateEnabled);
}

void LoadTestForm::buildLoad()
{
    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("loadTestModel"));
    m_model->addItem(tr("closed (virtual users)"), QStringLiteral("closed"));
    m_model->addItem(tr("open (arrival rate)"), QStringLiteral("open"));

    m_users = new QSpinBox;
    m_users->setObjectName(QStringLiteral("loadTestUsers"));
    m_users->setRange(1, 1000000);
    m_users->setValue(10);
    m_ramp = seconds(0, 604800);
    m_ramp->setObjectName(QStringLiteral("loadTestRamp"));
    m_ramp->setToolTip(tr("User starts spread evenly over this time"));
    m_think = seconds(0, 3600000, QStringLiteral(" ms"));
    m_think->setDecimals(0);
    m_think->setObjectName(QStringLiteral("loadTestThink"));
    m_thinkExponential = new QCheckBox(tr("exponential"));
    m_thinkExponential->setObjectName(QStringLiteral("loadTestThinkExponential"));
    m_thinkExponential->setToolTip(tr("Think times drawn around the mean instead of fixed"));
    auto *think = new QHBoxLayout;
    think->setContentsMargins(0, 0, 0, 0);
    think->addWidget(m_think, 1);
    think->addWidget(m_thinkExponential);
    m_thinkRow = new QWidget;
    m_thinkRow->setLayout(think);

    m_rate = seconds(10, 100000, tr(" req/s"));
    m_rate->setObjectName(QStringLiteral("loadTestRate"));
    m_poisson = new QCheckBox(tr("Poisson arrivals"));
    m_poisson->setObjectName(QStringLiteral("loadTestPoisson"));
    m_poisson->setToolTip(tr("Random gaps around the rate instead of evenly spaced arrivals"));
    connect(m_model, &QComboBox::currentIndexChanged, this, &LoadTestForm::updateEnabled);

    m_warmup = seconds(5, 604800);
    m_warmup->setObjectName(QStringLiteral("loadTestWarmup"));
    m_warmup->setToolTip(tr("Excluded from the statistics"));
    m_duration = seconds(30, 604800);
    m_duration->setObjectName(QStringLiteral("loadTestDuration"));
    m_duration->setToolTip(tr("The measured time after the warm-up (per sweep step)"));
    m_sweep = new QLineEdit;
    m_sweep->setObjectName(QStringLiteral("loadTestSweep"));
    m_sweep->setPlaceholderText(tr("optional, e.g. 1, 10, 50"));
    m_sweep->setToolTip(tr("Runs once per value, lowest first: users (closed) or req/s (open)"));

    m_layout->addRow(tr("Load model"), m_model);
    m_layout->addRow(tr("Users"), m_users);
    m_layout->addRow(tr("Ramp-up"), m_ramp);
    m_layout->addRow(tr("Think time"), m_thinkRow);
    m_layout->addRow(tr("Rate"), m_rate);
    m_layout->addRow(QString(), m_poisson);
    m_layout->addRow(tr("Warm-up"), m_warmup);
    m_layout->addRow(tr("Duration"), m_duration);
    m_layout->addRow(tr("Sweep"), m_sweep);
}

void LoadTestForm::buildQuestions()
{
    m_questionsFile = new QLineEdit;
    m_questionsFile->setObjectName(QStringLiteral("loadTestQuestions"));
    m_questionsFile->setPlaceholderText(tr("built-in demo questions"));
    m_questionsFile->setToolTip(tr("One question per line; a blank line separates multi-turn sessions"));
    auto *browse = new QPushButton(tr("Browse…"));
    browse->setObjectName(QStringLiteral("loadTestBrowseQuestions"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Questions"), {}, tr("Questions (*.txt *.json);;All files (*)"));
        if (!path.isEmpty())
            m_questionsFile->setText(path);
    });
    auto *questions = new QHBoxLayout;
    questions->setContentsMargins(0, 0, 0, 0);
    questions->addWidget(m_questionsFile, 1);
    questions->addWidget(browse);

    m_thresholds = new QPlainTextEdit(QStringLiteral("p95(ttfc) < 1500ms\nerror_rate < 1%"));
    m_thresholds->setObjectName(QStringLiteral("loadTestThresholds"));
    m_thresholds->setToolTip(tr("One per line: p50|p90|p95|p99|max|mean(STAGE) < N ms, error_rate < N%, throughput > N rps"));
    m_thresholds->setTabChangesFocus(true);
    m_thresholds->setFixedHeight(m_thresholds->fontMetrics().lineSpacing() * 4 + 2 * m_thresholds->frameWidth() + 8);

    m_layout->addRow(tr("Questions"), questions);
    m_layout->addRow(tr("Thresholds"), m_thresholds);
}

void LoadTestForm::setKnowledgeBases(const QStringList &names)
{
    m_target->setKnowledgeBases(names);
}

void LoadTestForm::setAssistants(const QStringList &names)
{
    m_target->setAssistants(names);
}

QJsonValue LoadTestForm::sweepJson() const
{
    // Anything that is not a number goes to the validator as it was typed, so its message (the
    // command line's) is the one shown.
    QJsonArray values;
    const QStringList parts = m_sweep->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        bool ok = false;
        const double value = part.toDouble(&ok);
        values.append(ok ? QJsonValue(value) : QJsonValue(part));
    }
    return values;
}

QByteArray LoadTestForm::formJson() const
{
    const bool closed = m_model->currentData().toString() == QLatin1String("closed");
    QJsonObject load{{QStringLiteral("model"), m_model->currentData().toString()},
                     {QStringLiteral("warmup_s"), m_warmup->value()},
                     {QStringLiteral("duration_s"), m_duration->value()}};
    if (closed) {
        load.insert(QStringLiteral("users"), m_users->value());
        load.insert(QStringLiteral("ramp_s"), m_ramp->value());
        load.insert(QStringLiteral("think_ms"), m_think->value());
        load.insert(QStringLiteral("think"), m_thinkExponential->isChecked() ? QStringLiteral("exponential") : QStringLiteral("fixed"));
    } else {
        load.insert(QStringLiteral("rate"), m_rate->value());
        load.insert(QStringLiteral("arrival"), m_poisson->isChecked() ? QStringLiteral("poisson") : QStringLiteral("constant"));
    }
    if (!m_sweep->text().trimmed().isEmpty())
        load.insert(QStringLiteral("sweep"), sweepJson());

    QJsonArray thresholds;
    for (const QString &line : m_thresholds->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            thresholds.append(line.trimmed());
    }
    const QString file = m_questionsFile->text().trimmed();
    const QJsonValue questions = file.isEmpty() ? QJsonValue(QJsonArray::fromStringList(kDemoQuestions)) : QJsonValue(file);
    QJsonObject scenario{{QStringLiteral("name"), m_target->scenarioName()},
                         {QStringLiteral("target"), m_target->targetJson()},
                         {QStringLiteral("load"), load},
                         {QStringLiteral("questions"), questions},
                         {QStringLiteral("thresholds"), thresholds}};
    if (!m_target->isRemote()) // a remote target brings its own providers
        scenario.insert(QStringLiteral("providers"), m_target->providersJson());
    return QJsonDocument(scenario).toJson(QJsonDocument::Compact);
}

Result<PreparedRun> LoadTestForm::prepare() const
{
    Result<loadtest::Scenario> scenario = fail(QString());
    if (!m_scenarioFile.isEmpty()) {
        scenario = loadtest::readScenarioFile(m_scenarioFile);
    } else {
        if (!m_target->isRemote() && !m_target->hasKnowledgeBase())
            return fail(tr("There is no knowledge base to load-test: create one on the Knowledge tab first"));
        scenario = loadtest::parseScenario(formJson(), QDir::currentPath());
    }
    if (!scenario)
        return fail(scenario.error());
    // The questions file is read here, on the GUI thread: it is a short text file, and an
    // unreadable one is better reported before anything starts.
    auto questions = loadtest::scenarioQuestions(*scenario);
    if (!questions)
        return fail(questions.error());
    return PreparedRun{std::move(*scenario), std::move(*questions)};
}

Result<void> LoadTestForm::openScenarioFile(const QString &path)
{
    auto scenario = loadtest::readScenarioFile(path);
    if (!scenario)
        return fail(scenario.error());
    m_scenarioFile = QFileInfo(path).absoluteFilePath();
    const loadtest::LoadSpec &load = scenario->load;
    const QString shape = load.model == loadtest::LoadModel::Open ? tr("%1 req/s").arg(load.rate)
                          : load.users == 1                         ? tr("1 user")
                                                                    : tr("%1 users").arg(load.users);
    // The file's name only: a long path cannot wrap and would widen the form.
    m_fileBanner->setText(tr("Runs the scenario '%1' from %2 as it is, not the form: %3, %4 s warm-up + %5 s%6.")
                              .arg(scenario->name, QFileInfo(m_scenarioFile).fileName(), shape)
                              .arg(load.warmupS)
                              .arg(load.durationS)
                              .arg(load.sweep.isEmpty() ? QString() : tr(", a sweep of %1 steps").arg(load.sweep.size())));
    m_fileBanner->setToolTip(QDir::toNativeSeparators(m_scenarioFile));
    updateEnabled();
    return {};
}

void LoadTestForm::useForm()
{
    m_scenarioFile.clear();
    m_fileBanner->clear();
    m_fileBanner->setToolTip({});
    updateEnabled();
}

void LoadTestForm::saveSettings(QSettings &settings) const
{
    m_target->saveSettings(settings);
    settings.setValue(QStringLiteral("loadTest/model"), m_model->currentData());
    settings.setValue(QStringLiteral("loadTest/users"), m_users->value());
    settings.setValue(QStringLiteral("loadTest/ramp_s"), m_ramp->value());
    settings.setValue(QStringLiteral("loadTest/think_ms"), m_think->value());
    settings.setValue(QStringLiteral("loadTest/thinkExponential"), m_thinkExponential->isChecked());
    settings.setValue(QStringLiteral("loadTest/rate"), m_rate->value());
    settings.setValue(QStringLiteral("loadTest/poisson"), m_poisson->isChecked());
    settings.setValue(QStringLiteral("loadTest/warmup_s"), m_warmup->value());
    settings.setValue(QStringLiteral("loadTest/duration_s"), m_duration->value());
    settings.setValue(QStringLiteral("loadTest/sweep"), m_sweep->text());
    settings.setValue(QStringLiteral("loadTest/questions"), m_questionsFile->text());
    settings.setValue(QStringLiteral("loadTest/thresholds"), m_thresholds->toPlainText());
}

void LoadTestForm::restoreSettings(const QSettings &settings)
{
    if (!settings.contains(QStringLiteral("loadTest/model")))
        return; // never saved: the defaults
    m_target->restoreSettings(settings);
    const auto number = [&settings](const char *key, double fallback) {
        return settings.value(QStringLiteral("loadTest/") + QLatin1String(key), fallback).toDouble();
    };
    if (const int row = m_model->findData(settings.value(QStringLiteral("loadTest/model"))); row >= 0)
        m_model->setCurrentIndex(row);
    m_users->setValue(int(number("users", m_users->value())));
    m_ramp->setValue(number("ramp_s", m_ramp->value()));
    m_think->setValue(number("think_ms", m_think->value()));
    m_thinkExponential->setChecked(settings.value(QStringLiteral("loadTest/thinkExponential")).toBool());
    m_rate->setValue(number("rate", m_rate->value()));
    m_poisson->setChecked(settings.value(QStringLiteral("loadTest/poisson")).toBool());
    m_warmup->setValue(number("warmup_s", m_warmup->value()));
    m_duration->setValue(number("duration_s", m_duration->value()));
    m_sweep->setText(settings.value(QStringLiteral("loadTest/sweep")).toString());
    m_questionsFile->setText(settings.value(QStringLiteral("loadTest/questions")).toString());
    m_thresholds->setPlainText(settings.value(QStringLiteral("loadTest/thresholds"), m_thresholds->toPlainText()).toString());
    updateEnabled();
}

void LoadTestForm::setLocked(bool locked)
{
    m_locked = locked;
    updateEnabled();
}

void LoadTestForm::updateEnabled()
{
    const bool fromFile = !m_scenarioFile.isEmpty();
    m_form->setEnabled(!m_locked && !fromFile);
    m_useForm->setVisible(fromFile);
    m_useForm->setEnabled(!m_locked);
    m_open->setEnabled(!m_locked);
    m_fileBanner->setVisible(!m_fileBanner->text().isEmpty());
    m_target->updateVisible();
    const bool closed = m_model->currentData().toString() == QLatin1String("closed");
    for (QWidget *row : {static_cast<QWidget *>(m_users), static_cast<QWidget *>(m_ramp), m_thinkRow})
        m_layout->setRowVisible(row, closed);
    for (QWidget *row : {static_cast<QWidget *>(m_rate), static_cast<QWidget *>(m_poisson)})
        m_layout->setRowVisible(row, !closed);
}

} // namespace rag::ui
