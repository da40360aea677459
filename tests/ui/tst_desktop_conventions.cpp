// The main window as a desktop app: menus and shortcuts, its title, what it remembers between
// runs, asking before quitting mid-work, and the dialog shown when it cannot start.
#include "load_test_panel.h"
#include "main_menu.h"
#include "main_window.h"
#include "startup_error.h"
#include "support/fixtures.h"
#include "support/modal_dialogs.h"
#include "support/temp_workspace.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

using namespace rag;

using test::answerNextMessageBox;

class TestDesktopConventions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QApplication::setOrganizationName(QStringLiteral("ragdesk-tests"));
        QApplication::setApplicationName(QStringLiteral("tst_desktop_conventions"));
        QApplication::setApplicationVersion(QStringLiteral("9.8.7"));
    }

    void init() { QSettings().clear(); }

    void menusShortcutsAndTitle()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/terns.md")), "# Terns\nArctic terns fly pole to pole.\n"));
        t.ingest(QStringLiteral("seabirds"), {t.path(QStringLiteral("docs"))});
        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));

        QStringList menus;
        for (QAction *menu : window.menuBar()->actions())
            menus.append(menu->text().remove(u'&'));
        QCOMPARE(menus, (QStringList{QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("View"), QStringLiteral("Help")}));
        QCOMPARE(window.windowTitle(), QStringLiteral("seabirds - ragdesk"));
        QVERIFY(!window.windowIcon().isNull());

        // View's shortcuts switch tabs, and the title follows.
        QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(window.tabs()->currentIndex(), 2);
        QCOMPARE(window.windowTitle(), QStringLiteral("Chat - ragdesk"));
        // Find goes back to the Knowledge tab with the query selected, ready to type over.
        auto *query = window.findChild<QLineEdit *>(QStringLiteral("searchQuery"));
        query->setText(QStringLiteral("terns"));
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(window.tabs()->currentIndex(), 0);
        QTRY_VERIFY(query->hasFocus());
        QCOMPARE(query->selectedText(), QStringLiteral("terns"));

        // Help lists the shortcuts from the actions themselves, so it cannot go stale.
        const QStringList shortcuts = window.mainMenu()->shortcutList();
        QVERIFY2(shortcuts.contains(QStringLiteral("File > New knowledge base: Ctrl+N")), qPrintable(shortcuts.join(u'\n')));
        QVERIFY(shortcuts.contains(QStringLiteral("File > Quit: Ctrl+Q")));
        QVERIFY(shortcuts.contains(QStringLiteral("View > Rerank calls: Ctrl+2")));
        QString help;
        answerNextMessageBox(QMessageBox::Close, &help);
        QTest::keyClick(&window, Qt::Key_F1);
        QVERIFY2(help.contains(QStringLiteral("Ctrl+N")) && help.contains(QStringLiteral("New knowledge base")), qPrintable(help));

        QString about;
        answerNextMessageBox(QMessageBox::Ok, &about);
        window.mainMenu()->showAbout();
        QVERIFY2(about.contains(QStringLiteral("ragdesk 9.8.7")), qPrintable(about));

        // Quit closes the window when nothing is running.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_Q, Qt::ControlModifier);
        QVERIFY(!window.isVisible());
    }

    // A first run: the welcome page says what to do, and its button creates a knowledge base
    // with the chunking chosen in the dialog.
    void firstRunWelcomesAndCreatesAKnowledgeBase()
    {
        test::TempWorkspace t;
        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.statusText().contains(QStringLiteral("File > New knowledge base (Ctrl+N)")), qPrintable(window.statusText()));
        QCOMPARE(window.windowTitle(), QStringLiteral("ragdesk"));
        auto *welcome = window.findChild<QWidget *>(QStringLiteral("welcome"));
        QVERIFY(welcome && welcome->isVisible());

        test::whenModalShown([](QWidget *dialog) {
            QCOMPARE(dialog->objectName(), QStringLiteral("newKnowledgeBaseDialog"));
            auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            QVERIFY(!ok->isEnabled()); // a name first
            dialog->findChild<QLineEdit *>(QStringLiteral("kbName"))->setText(QStringLiteral("handbook"));
            dialog->findChild<QSpinBox *>(QStringLiteral("kbChunkTokens"))->setValue(256);
            dialog->findChild<QSpinBox *>(QStringLiteral("kbOverlap"))->setValue(10);
            ok->click();
        });
        window.findChild<QPushButton *>(QStringLiteral("welcomeNewKnowledgeBase"))->click();
        const auto kb = t.workspace->knowledgeBase(QStringLiteral("handbook"));
        QVERIFY(kb);
        QCOMPARE(kb->spec.chunkTokens, 256);
        QCOMPARE(kb->spec.overlapPercent, 10);
        QVERIFY(!welcome->isVisible());
        QCOMPARE(window.windowTitle(), QStringLiteral("handbook - ragdesk"));
    }

    void geometryTabAndKnowledgeBaseAreRemembered()
    {
        test::TempWorkspace t;
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("alpha")}));
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("beta")}));
        {
            ui::MainWindow window(*t.workspace);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(790, 560);
            window.findChild<QListWidget *>(QStringLiteral("knowledgeBases"))->setCurrentRow(1);
            window.tabs()->setCurrentIndex(1);
            QVERIFY(window.close());
        }
        ui::MainWindow again(*t.workspace);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.size(), QSize(790, 560));
        QCOMPARE(again.tabs()->currentIndex(), 1);
        QCOMPARE(again.findChild<QListWidget *>(QStringLiteral("knowledgeBases"))->currentItem()->data(Qt::UserRole).toString(),
                 QStringLiteral("beta"));
    }

    // The load-test form comes back as it was at the last run or quit; a remote target's key
    // is never among what is remembered.
    void loadTestFormIsRemembered()
    {
        test::TempWorkspace t;
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("alpha")}));
        QVERIFY(t.workspace->createKnowledgeBase({QStringLiteral("beta")}));
        const QString secret = QStringLiteral("sk-never-remembered-777");
        {
            ui::MainWindow window(*t.workspace);
            QSignalSpy listed(window.loadTestPanel(), &ui::LoadTestPanel::knowledgeBasesShown);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.tabs()->setCurrentWidget(window.loadTestPanel());
            QTRY_VERIFY_WITH_TIMEOUT(!listed.isEmpty(), 10000);
            auto *kb = window.findChild<QComboBox *>(QStringLiteral("loadTestKb"));
            kb->setCurrentIndex(kb->findText(QStringLiteral("beta")));
            auto *mode = window.findChild<QComboBox *>(QStringLiteral("loadTestMode"));
            mode->setCurrentIndex(mode->findData(QStringLiteral("blocking")));
            window.findChild<QSpinBox *>(QStringLiteral("loadTestPool"))->setValue(12);
            auto *model = window.findChild<QComboBox *>(QStringLiteral("loadTestModel"));
            model->setCurrentIndex(model->findData(QStringLiteral("open")));
            window.findChild<QDoubleSpinBox *>(QStringLiteral("loadTestRate"))->setValue(42);
            window.findChild<QLineEdit *>(QStringLiteral("loadTestSweep"))->setText(QStringLiteral("10, 20"));
            window.findChild<QPlainTextEdit *>(QStringLiteral("loadTestThresholds"))->setPlainText(QStringLiteral("p99(ttfc) < 900ms"));
            window.findChild<QLineEdit *>(QStringLiteral("loadTestUrl"))->setText(QStringLiteral("https://rag.example.com/v1"));
            window.findChild<QLineEdit *>(QStringLiteral("loadTestKey"))->setText(secret);
            QVERIFY(window.close());
        }
        ui::MainWindow again(*t.workspace);
        QSignalSpy listed(again.loadTestPanel(), &ui::LoadTestPanel::knowledgeBasesShown);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        again.tabs()->setCurrentWidget(again.loadTestPanel());
        QTRY_VERIFY_WITH_TIMEOUT(!listed.isEmpty(), 10000);
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("loadTestKb"))->currentText(), QStringLiteral("beta"));
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("loadTestMode"))->currentData().toString(), QStringLiteral("blocking"));
        QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("loadTestPool"))->value(), 12);
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("loadTestModel"))->currentData().toString(), QStringLiteral("open"));
        QCOMPARE(again.findChild<QDoubleSpinBox *>(QStringLiteral("loadTestRate"))->value(), 42.0);
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("loadTestSweep"))->text(), QStringLiteral("10, 20"));
        QCOMPARE(again.findChild<QPlainTextEdit *>(QStringLiteral("loadTestThresholds"))->toPlainText(), QStringLiteral("p99(ttfc) < 900ms"));
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("loadTestUrl"))->text(), QStringLiteral("https://rag.example.com/v1"));
        QVERIFY(again.findChild<QLineEdit *>(QStringLiteral("loadTestKey"))->text().isEmpty());
        const QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(secret), qPrintable(key));
    }

    // At 150% scale (QT_SCALE_FACTOR=1.5 on a 1920x1080 screen: 1280x720 device-independent
    // pixels; ctest runs this function so, as tst_desktop_conventions_scaled) the first window and
    // every tab fit the screen.
    void firstWindowFitsAScaledScreen()
    {
        if (qEnvironmentVariable("QT_SCALE_FACTOR") != QLatin1String("1.5"))
            QSKIP("run with QT_SCALE_FACTOR=1.5 (ctest: tst_desktop_conventions_scaled)");
        test::TempWorkspace t;
        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QScreen *screen = window.screen();
        QCOMPARE(screen->devicePixelRatio(), 1.5);
        const QRect available = screen->availableGeometry();
        QVERIFY2(available.width() <= 1280 && available.height() <= 720,
                 qPrintable(QStringLiteral("%1x%2").arg(available.width()).arg(available.height())));
        QVERIFY2(window.frameGeometry().width() <= available.width() && window.frameGeometry().height() <= available.height(),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4").arg(window.frameGeometry().width()).arg(window.frameGeometry().height())
                                .arg(available.width()).arg(available.height())));
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            const QSize minimum = window.minimumSizeHint();
            QVERIFY2(minimum.width() <= available.width() && minimum.height() <= available.height(),
                     qPrintable(QStringLiteral("tab %1 needs %2x%3").arg(tab).arg(minimum.width()).arg(minimum.height())));
        }
    }

    // Every tab fits a window on an 800x600 screen, title bar and panel included.
    void everyTabFitsAnEightHundredBySixHundredScreen()
    {
        test::TempWorkspace t;
        ui::MainWindow window(*t.workspace);
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(minimum.width() <= 780 && minimum.height() <= 540,
                 qPrintable(QStringLiteral("%1x%2").arg(minimum.width()).arg(minimum.height())));
    }

    // Quitting mid-ingestion asks first; "No" leaves the work running, "Yes" stops it and the
    // window closes once it has, without blocking the GUI thread meanwhile.
    void quittingDuringAnIngestionAsksAndStopsIt()
    {
        test::TempWorkspace t;
        for (int i = 0; i < 2000; ++i)
            QVERIFY(test::writeFile(t.path(QStringLiteral("docs/%1.txt").arg(i)), QByteArray("puffin ") + QByteArray::number(i)));
        ui::MainWindow window(*t.workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.createKnowledgeBase(QStringLiteral("kb")));
        QSignalSpy finished(&window, &ui::MainWindow::ingestFinished);
        auto *progress = window.findChild<QProgressBar *>(QStringLiteral("ingestProgress"));
        window.ingestPaths({t.path(QStringLiteral("docs"))});
        QTRY_VERIFY_WITH_TIMEOUT(progress->value() > 0, 30000);

        QString question;
        answerNextMessageBox(QMessageBox::No, &question);
        QVERIFY(!window.close());
        QVERIFY2(question.contains(QStringLiteral("An ingestion is running")), qPrintable(question));
        QVERIFY(window.isVisible());
        QCOMPARE(finished.size(), 0); // still ingesting: "No" did not stop it

        answerNextMessageBox(QMessageBox::Yes, &question);
        QVERIFY(!window.close()); // not yet: it waits for the ingestion to stop
        QVERIFY2(window.statusText().startsWith(QStringLiteral("Stopping before quitting")), qPrintable(window.statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 30000);
        QCOMPARE(finished.size(), 1);
        const auto report = finished.first().first().value<ingest::IngestReport>();
        QVERIFY(report.cancelled);
        QVERIFY(report.files.size() < 2000);
    }

    void startupErrorSaysWhatAndWhatToTry()
    {
        std::unique_ptr<QMessageBox> box(ui::startupErrorDialog(QStringLiteral("cannot create /srv/kb: Permission denied"),
                                                                 QStringLiteral("/srv/kb")));
        QCOMPARE(box->icon(), QMessageBox::Critical);
        QVERIFY(box->text().contains(QStringLiteral("/srv/kb")));
        QVERIFY(box->informativeText().contains(QStringLiteral("Permission denied")));
        QVERIFY(box->informativeText().contains(QStringLiteral("--data-dir")));
    }
};

QTEST_MAIN(TestDesktopConventions)
#include "tst_desktop_conventions.moc"
