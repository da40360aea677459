// S6 (bench/RESULTS.md): the desktop's GUI event-loop lag while a load test runs from its panel
// with the monitor open. Opens the real main window on a knowledge base, shows View > Monitor,
// fills the Load test form (users, think time, the field simulator, duration) and runs it, while
// a LoopLagProbe on the GUI thread measures how late its 10 ms ticks fire. Prints the lag's p50,
// p99 and worst, and the run's answered requests. Runs offscreen unless QT_QPA_PLATFORM says
// otherwise.
//   bench_gui_lag --data-dir DIR --kb NAME --ragdesk PATH [--users N] [--think-ms N] [--duration S]
#include "load_test_panel.h"
#include "main_window.h"
#include "metrics/loop_lag_probe.h"
#include "monitor_dock.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

using namespace rag;

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("data folder"), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("kb"), QStringLiteral("knowledge base"), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("ragdesk"), QStringLiteral("the ragdesk binary (its simulator)"), QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("users"), QStringLiteral("virtual users"), QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("think-ms"), QStringLiteral("think time"), QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("duration"), QStringLiteral("seconds measured"), QStringLiteral("S"), QStringLiteral("30")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("data-dir")) || !parser.isSet(QStringLiteral("kb")) || !parser.isSet(QStringLiteral("ragdesk"))) {
        std::fprintf(stderr, "bench_gui_lag: --data-dir, --kb and --ragdesk are required\n");
        return 2;
    }
    auto workspace = Workspace::open({parser.value(QStringLiteral("data-dir")), {}, {}});
    if (!workspace) {
        std::fprintf(stderr, "bench_gui_lag: %s\n", qPrintable(workspace.error()));
        return 1;
    }

    ui::MainWindow window(**workspace);
    window.resize(1400, 900);
    window.show();
    window.monitorDock()->show();
    window.tabs()->setCurrentWidget(window.loadTestPanel());
    ui::LoadTestPanel *panel = window.loadTestPanel();
    panel->setSimulatorProgram(parser.value(QStringLiteral("ragdesk")));

    metrics::LoopLagProbe guiLoop(10); // the GUI thread's, as the monitor's own probe ticks
    int exitCode = 0;
    QTimer::singleShot(1000, &app, [&] {
        auto *kb = panel->findChild<QComboBox *>(QStringLiteral("loadTestKb"));
        kb->setCurrentIndex(kb->findText(parser.value(QStringLiteral("kb"))));
        auto *profile = panel->findChild<QComboBox *>(QStringLiteral("loadTestProfile"));
        profile->setCurrentIndex(profile->findData(QStringLiteral("field")));
        panel->findChild<QSpinBox *>(QStringLiteral("loadTestUsers"))->setValue(parser.value(QStringLiteral("users")).toInt());
        panel->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestRamp"))->setValue(5);
        panel->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestThink"))->setValue(parser.value(QStringLiteral("think-ms")).toDouble());
        panel->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestWarmup"))->setValue(5);
        panel->findChild<QDoubleSpinBox *>(QStringLiteral("loadTestDuration"))->setValue(parser.value(QStringLiteral("duration")).toDouble());
        if (!panel->run()) {
            std::fprintf(stderr, "bench_gui_lag: the run did not start: %s\n",
                         qPrintable(panel->findChild<QLabel *>(QStringLiteral("loadTestError"))->text()));
            exitCode = 1;
            app.quit();
            return;
        }
        guiLoop.reset(); // from the run's start
    });
    QObject::connect(panel, &ui::LoadTestPanel::runFinished, &app, [&](bool ok) {
        const metrics::LoopLagSnapshot lag = guiLoop.snapshot();
        std::printf("GUI loop lag over %lld ticks: p50 %.2f ms, p99 %.2f ms, worst %.2f ms\n", lag.lag.count(),
                    double(lag.lag.percentile(0.5)) / 1000.0, double(lag.lag.percentile(0.99)) / 1000.0,
                    double(lag.lag.max()) / 1000.0);
        std::printf("run: %s; %s\n", ok ? "finished" : "failed",
                    qPrintable(panel->findChild<QLabel *>(QStringLiteral("loadTestCounts"))->text()));
        std::printf("monitor: %lld answered (the chat engine's own: 0 unless the chat was used)\n",
                    window.monitorDock()->lastReading().answered);
        exitCode = ok ? 0 : 1;
        app.quit();
    });
    QApplication::exec();
    return exitCode;
}
