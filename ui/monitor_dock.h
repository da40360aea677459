// View > Monitor: the chat engine's live latency and thread monitor, in a dock beside any tab
// (docs/desktop.md, "Monitor"). Once a second: time to first chunk (p50 and p95 of the answers
// that second), answers completed per second, the process's threads and the GUI's event-loop
// lag as charts; resident memory, both loops' lag, requests in flight per stage, each pool's
// busy / queued / max and HTTP in flight / queued per provider as text. It reads the engine's
// runtime samples (every 250 ms, taken on the engine thread) and its statistics; closed, it
// costs nothing.
#pragma once

#include "metrics/latency_histogram.h"
#include "metrics/runtime_monitor.h"

#include <QDockWidget>
#include <QPointer>
#include <QTimer>

#include <functional>

class QLabel;

namespace rag::chat {
class EngineHost;
}

namespace rag::ui {

class LiveChart;

struct MonitorReading {
    int threads = 0;
    double rssMb = 0;
    double guiLagP99Ms = 0;
    double engineLagP99Ms = 0;
    qint64 answered = 0;        // completed answers since the engine started
    int answeredLastS = 0;
    double ttfcP50LastMs = 0;   // 0: no answer started its stream that second
    double ttfcP95LastMs = 0;
    qint64 reranks = 0;          // rerank stages run since the engine started
    qint64 rerankFailures = 0;   // ... whose reranker failed
    int reranksLastS = 0;        // rerank stages that ended that second
    int rerankFailuresLastS = 0; // ... with the reranker failing
};

class MonitorDock : public QDockWidget {
    Q_OBJECT
public:
    using HostSource = std::function<chat::EngineHost *()>; // starts the engine on first use
    explicit MonitorDock(HostSource host, QWidget *parent = nullptr);

    MonitorReading lastReading() const { return m_reading; }

Q_SIGNALS:
    void updated(); // a second's reading is on screen

private:
    void setWatching(bool watching);
    void onSample(const metrics::RuntimeSample &sample);
    void tick();
    QString details() const;

    HostSource m_hostSource;
    QPointer<chat::EngineHost> m_host;
    QMetaObject::Connection m_samples;
    QTimer m_second;
    metrics::RuntimeSample m_sample;
    metrics::LatencyHistogram m_ttfcBefore; // the cumulative TTFC histogram a second ago
    qint64 m_answeredBefore = 0;
    qint64 m_reranksBefore = 0;
    qint64 m_rerankFailuresBefore = 0;
    MonitorReading m_reading;
    LiveChart *m_ttfc = nullptr;
    LiveChart *m_answered = nullptr;
    LiveChart *m_threads = nullptr;
    LiveChart *m_guiLag = nullptr;
    QLabel *m_text = nullptr;
    QLabel *m_latest = nullptr; // the latest answer's stages as bars
};

} // namespace rag::ui
