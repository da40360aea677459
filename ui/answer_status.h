// The line under the chat input: an indeterminate bar while the first words are awaited, the
// elapsed time while an answer is on its way, then how it ended (answered in, stopped after,
// failed after) or a message.
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace rag::ui {

class AnswerStatus : public QWidget {
    Q_OBJECT
public:
    explicit AnswerStatus(QWidget *parent = nullptr);

    void started();
    void firstChunk();
    void stopping();
    void answered(double ttfcMs); // ttfcMs < 0: use when the first chunk reached us
    void stopped();
    void failed();
    void showMessage(const QString &text); // e.g. a read that failed; clears with an empty text
    QString text() const;

private:
    void tick();
    void finish(const QString &text);

    QProgressBar *m_busy = nullptr;
    QLabel *m_label = nullptr;
    QElapsedTimer m_elapsed;
    qint64 m_firstChunkMs = -1;
    bool m_running = false;
    bool m_stopping = false;
    QTimer m_clock; // ticks the elapsed time while an answer is on its way
};

} // namespace rag::ui
