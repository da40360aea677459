// The load-test panel's comparisons and targets, driven as a user drives them: "async and
// blocking, compared" runs the same load twice and shows both side by side; "Compare with
// report…" puts a run beside an earlier report.json; a remote OpenAI-compatible target (the
// simulator over loopback) is load-tested with a key typed once, kept in the key store and never
// in a report; an assistant is chosen from the workspace's.
#include "api/assistants.h"
#include "api/target_keys.h"
#include "load_test_panel.h"
#include "load_test_result_view.h"
#include "main_window.h"
#include "support/fixtures.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace rag;

namespace {

constexpr int kTimeoutMs = 60000;
constexpr int kLoadTestTab = 3;

template <typename T>
T *child(QWidget *parent, const char *name)
{
    T *found = parent->findChild<T *>(QLatin1String(name));
    if (!found)
        qWarning("no %s", name);
    return found;
}

} // namespace

class TestLoadTestCompare : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::LoadTestPanel *m_panel = nullptr;

    bool openPanel()
    {
        m_window = std::make_unique<ui::MainWindow>(*m_ws->workspace);
        m_window->resize(1280, 800);
        m_panel = m_window->loadTestPanel();
        QSignalSpy listed(m_panel, &ui::LoadTestPanel::knowledgeBasesShown);
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get()))
            return false;
        m_window->tabs()->setCurrentIndex(kLoadTestTab);
        if (!listed.wait(kTimeoutMs) && listed.isEmpty())
            return false;
        m_panel->setSimulatorProgram(QStringLiteral(RAGDESK_BINARY));
        return true;
    }

    // Two users for a second against the instant simulator.
    void fillShortRun()
    {
        auto *profile = child<QComboBox>(m_panel, "loadTestProfile");
        profile->setCurrentIndex(profile->findData(QStringLiteral("instant")));
        child<QSpinBox>(m_panel, "loadTestUsers")->setValue(2);
        child<QDoubleSpinBox>(m_panel, "loadTestWarmup")->setValue(0);
        child<QDoubleSpinBox>(m_panel, "loadTestDuration")->setValue(1);
    }

    bool runToTheEnd()
    {
        QSignalSpy finished(m_panel, &ui::LoadTestPanel::runFinished);
        QTest::mouseClick(child<QPushButton>(m_panel, "loadTestRun"), Qt::LeftButton);
        if (!m_panel->isRunning()) {
            qWarning("did not start: %s", qPrintable(child<QLabel>(m_panel, "loadTestError")->text()));
            return false;
        }
        return QTest::qWaitFor([&] { return !finished.isEmpty(); }, kTimeoutMs) && finished.first().first().toBool();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
    }

    void cleanup()
    {
        m_window.reset();
        m_ws.reset();
    }

    void asyncAndBlockingSideBySide()
    {
        QVERIFY(openPanel());
        fillShortRun();
        auto *mode = child<QComboBox>(m_panel, "loadTestMode");
        mode->setCurrentIndex(mode->findData(QStringLiteral("both")));
        QVERIFY(child<QSpinBox>(m_panel, "loadTestPool")->isEnabled()); // the blocking half's pool
        QVERIFY(runToTheEnd());

        QVERIFY(m_panel->asyncOutcome().has_value() && m_panel->outcome().has_value());
        QCOMPARE(m_panel->asyncOutcome()->scenario.target.mode, loadtest::EngineMode::Async);
        QCOMPARE(m_panel->outcome()->scenario.target.mode, loadtest::EngineMode::Blocking);
        QVERIFY(m_panel->asyncOutcome()->summary.completed > 0 && m_panel->outcome()->summary.completed > 0);
        QVERIFY(m_panel->outcome()->scenario.name.endsWith(QStringLiteral("(blocking)")));
        QVERIFY(child<QWidget>(m_panel, "loadTestAsyncSummary")->isVisible());
        QVERIFY(child<QWidget>(m_panel, "loadTestSummary")->isVisible());
        QVERIFY(child<QLabel>(m_panel, "loadTestComparisonCaption")->text().startsWith(QStringLiteral("Async -> blocking")));
        const QString lines = m_panel->resultView()->comparisonText();
        QVERIFY2(lines.contains(QStringLiteral("throughput")) && lines.contains(QStringLiteral("ttfc p95")), qPrintable(lines));
        if (const QString shot = qEnvironmentVariable("RAGDESK_SCREENSHOT"); !shot.isEmpty()) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // let the shown rows take their room
            QCoreApplication::processEvents();
            QVERIFY(m_window->grab().save(shot));
        }
    }

    void comparesWithAnEarlierReport()
    {
        QVERIFY(openPanel());
        fillShortRun();
        QVERIFY(runToTheEnd());
        QVERIFY(!child<QWidget>(m_panel, "loadTestAsyncSummary")->isVisible()); // one run: one summary
        QVERIFY(m_panel->resultView()->comparisonText().isEmpty());
        QTemporaryDir earlier;
        QVERIFY(m_panel->saveReports(earlier.path()));
        QVERIFY(runToTheEnd());
        QVERIFY(child<QPushButton>(m_panel, "loadTestCompare")->isEnabled());

        QVERIFY(m_panel->compareWith(earlier.filePath(QStringLiteral("report.json"))));
        const QString lines = m_panel->resultView()->comparisonText();
        QVERIFY2(lines.contains(QStringLiteral("completed:")) && lines.contains(QStringLiteral(" -> ")), qPrintable(lines));
        QVERIFY(child<QLabel>(m_panel, "loadTestComparisonCaption")->text().startsWith(QStringLiteral("Earlier report")));

        auto refused = m_panel->compareWith(earlier.filePath(QStringLiteral("timeseries.csv")));
        QVERIFY(!refused);
        QVERIFY(child<QLabel>(m_panel, "loadTestError")->text().contains(QStringLiteral("is not a report.json")));
    }

    void remoteTargetKeepsItsKeyOutOfTheReport()
    {
        test::SimulatorThread simulator;
        QVERIFY(openPanel());
        fillShortRun();
        auto *target = child<QComboBox>(m_panel, "loadTestTarget");
        target->setCurrentIndex(target->findData(QStringLiteral("openai")));
        QVERIFY(!child<QComboBox>(m_panel, "loadTestKb")->isVisible()); // no knowledge base for a remote target
        const QString url = simulator.url(QStringLiteral("/openai/v1"));
        QTest::keyClicks(child<QLineEdit>(m_panel, "loadTestUrl"), url);
        QTest::keyClicks(child<QLineEdit>(m_panel, "loadTestRemoteId"), QStringLiteral("sim-chat"));
        auto *key = child<QLineEdit>(m_panel, "loadTestKey");
        QCOMPARE(key->echoMode(), QLineEdit::Password);
        const QString secret = QStringLiteral("sk-remote-target-31337");
        QTest::keyClicks(key, secret);
        QVERIFY(runToTheEnd());

        QCOMPARE(m_panel->outcome()->scenario.target.kind, loadtest::TargetKind::OpenAi);
        QVERIFY(m_panel->outcome()->summary.completed > 0);
        QVERIFY(key->text().isEmpty());                                   // not shown again
        QVERIFY(key->placeholderText().contains(QStringLiteral("kept"))); // but kept
        QCOMPARE(api::TargetKeys(*m_ws->workspace).read(url), secret);
        QVERIFY(!QJsonDocument(m_panel->outcome()->report).toJson().contains(secret.toUtf8()));

        // The next run uses the kept key without it being typed again.
        QVERIFY(runToTheEnd());
        QCOMPARE(m_panel->outcome()->scenario.target.apiKey, secret);
    }

    void anAssistantCanBeChosen()
    {
        store::AssistantSpec spec;
        spec.name = QStringLiteral("careful");
        spec.knowledgeBases = {QStringLiteral("nature")};
        QVERIFY(api::Assistants(*m_ws->workspace).create(spec));
        QVERIFY(openPanel());
        fillShortRun();
        auto *assistant = child<QComboBox>(m_panel, "loadTestAssistant");
        QTRY_VERIFY_WITH_TIMEOUT(assistant->findData(QStringLiteral("careful")) >= 0, kTimeoutMs);
        assistant->setCurrentIndex(assistant->findData(QStringLiteral("careful")));
        QVERIFY(runToTheEnd());
        QCOMPARE(m_panel->outcome()->scenario.target.assistant, QStringLiteral("careful"));
    }
};

QTEST_MAIN(TestLoadTestCompare)
#include "tst_load_test_compare.moc"
