// The desktop with a knowledge base embedded by a provider (the simulator over loopback HTTP): the
// New knowledge base dialog asks the provider for its dimension while it stays open and busy,
// shows why a provider cannot embed, and Cancel stops the call; then ingestion and search in the
// window go through the provider.
#include "new_knowledge_base_dialog.h"

#include "main_window.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"
#include "support/modal_dialogs.h"
#include "support/simulator_thread.h"
#include "support/temp_workspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace rag;

class TestProviderEmbedderUi : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<test::SimulatorThread> m_sim;

    static void choose(ui::NewKnowledgeBaseDialog &dialog, const QString &name, const QString &embedder)
    {
        dialog.findChild<QLineEdit *>(QStringLiteral("kbName"))->setText(name);
        auto *embedders = dialog.findChild<QComboBox *>(QStringLiteral("kbEmbedder"));
        embedders->setCurrentIndex(embedders->findData(embedder));
    }

    static QPushButton *create(ui::NewKnowledgeBaseDialog &dialog)
    {
        return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    }

private slots:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        m_sim = std::make_unique<test::SimulatorThread>();
        QVERIFY(m_sim->ok());
        store::ProviderRecord p;
        p.name = QStringLiteral("sim-embed");
        p.kind = QStringLiteral("openai-compatible");
        p.baseUrl = m_sim->url(QStringLiteral("/openai/v1"));
        p.model = QStringLiteral("sim-embed");
        p.timeoutMs = 10'000;
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(p).ok());
    }

    void cleanup()
    {
        m_sim.reset();
        m_ws.reset();
    }

    void withoutProvidersOnlyTheBuiltinEmbedderIsOffered()
    {
        ui::NewKnowledgeBaseDialog dialog(*m_ws->workspace, {});
        auto *embedders = dialog.findChild<QComboBox *>(QStringLiteral("kbEmbedder"));
        QCOMPARE(embedders->count(), 1);
        QVERIFY(!embedders->isEnabled());
        dialog.findChild<QLineEdit *>(QStringLiteral("kbName"))->setText(QStringLiteral("local"));
        create(dialog)->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.spec().embedder, QStringLiteral("builtin"));
        QCOMPARE(m_sim->counters().requests.load(), 0);
    }

    void createAsksTheProviderForItsDimension()
    {
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"latency":{"model":"fixed","ms":200}}}})");
        ui::NewKnowledgeBaseDialog dialog(*m_ws->workspace, {QStringLiteral("sim-embed")});
        dialog.show();
        choose(dialog, QStringLiteral("remote"), QStringLiteral("sim-embed"));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        create(dialog)->click();
        // Busy while the provider answers: the form cannot change under the call.
        QVERIFY(dialog.isProbing());
        QVERIFY(!create(dialog)->isEnabled());
        QVERIFY(!dialog.findChild<QLineEdit *>(QStringLiteral("kbName"))->isEnabled());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("kbStatus"))->text().contains(QStringLiteral("Asking sim-embed")));
        if (const QString dir = qEnvironmentVariable("RAGDESK_SCREENSHOT_DIR"); !dir.isEmpty()) // scripts/screenshots.sh
            QVERIFY(dialog.grab().save(dir + QStringLiteral("/new-knowledge-base-probing.png")));
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, 10000);
        QCOMPARE(dialog.spec().embedder, QStringLiteral("sim-embed"));
        QCOMPARE(dialog.spec().dimension, 64);
    }

    void aProviderThatCannotEmbedKeepsTheDialogOpenWithTheReason()
    {
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":401}]}}})");
        ui::NewKnowledgeBaseDialog dialog(*m_ws->workspace, {QStringLiteral("sim-embed")});
        dialog.show();
        choose(dialog, QStringLiteral("remote"), QStringLiteral("sim-embed"));
        create(dialog)->click();
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("kbStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isProbing() && status->text().contains(QStringLiteral("401")), 10000);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // not accepted: the user may pick another embedder
        QVERIFY(create(dialog)->isEnabled());
        QVERIFY(dialog.findChild<QComboBox *>(QStringLiteral("kbEmbedder"))->isEnabled());
    }

    void cancelStopsTheCall()
    {
        m_sim->setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"hang"}]}}})");
        ui::NewKnowledgeBaseDialog dialog(*m_ws->workspace, {QStringLiteral("sim-embed")});
        dialog.show();
        choose(dialog, QStringLiteral("remote"), QStringLiteral("sim-embed"));
        create(dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 1, 5000);
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isProbing(), 5000); // well inside the provider's 10 s timeout
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->counters().inFlight.load(), 0, 5000);
    }

    void theWindowIngestsAndSearchesThroughTheProvider()
    {
        for (const auto &[name, text] : {std::pair{"otters.md", "# Sea otters\nSea otters hold hands while they sleep.\n"},
                                         std::pair{"bees.md", "# Bees\nHoney bees dance to tell the hive where flowers are.\n"}})
            QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/") + QLatin1String(name)), text));
        ui::MainWindow window(*m_ws->workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        test::whenModalShown([this](QWidget *modal) {
            auto *dialog = qobject_cast<ui::NewKnowledgeBaseDialog *>(modal);
            QVERIFY(dialog);
            choose(*dialog, QStringLiteral("remote"), QStringLiteral("sim-embed"));
            create(*dialog)->click();
        });
        window.promptNewKnowledgeBase();
        QCOMPARE(m_ws->workspace->knowledgeBase(QStringLiteral("remote"))->spec.embedder, QStringLiteral("sim-embed"));

        const int before = m_sim->counters().requests.load();
        QSignalSpy finished(&window, &ui::MainWindow::ingestFinished);
        window.ingestPaths({m_ws->path(QStringLiteral("docs"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto report = finished.first().first().value<ingest::IngestReport>();
        QCOMPARE(report.count(ingest::IngestFileOutcome::Status::Added), 2);
        QCOMPARE(m_sim->counters().requests.load() - before, 2); // a call per document

        QSignalSpy searched(&window, &ui::MainWindow::searchFinished);
        window.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->setText(QStringLiteral("otters holding hands"));
        window.runSearch();
        QTRY_COMPARE_WITH_TIMEOUT(searched.size(), 1, 10000);
        auto *results = window.findChild<QTreeWidget *>(QStringLiteral("searchResults"));
        QVERIFY(results->topLevelItemCount() > 0);
        QCOMPARE(results->topLevelItem(0)->text(1), QStringLiteral("otters.md"));
        QCOMPARE(m_sim->counters().requests.load() - before, 3); // and the query
    }
};

QTEST_MAIN(TestProviderEmbedderUi)
#include "tst_provider_embedder_ui.moc"
