// Batches streamed answer text so a caller repaints once per frame, not once per token: the first
// delta goes out at once (it is what TTFC measures), later ones are gathered for up to one
// interval. Lives on the thread whose sink it calls.
#pragma once

#include "chat/ask_types.h"

#include <QObject>
#include <QTimer>

namespace rag::chat {

class DeltaCoalescer : public QObject {
    Q_OBJECT
public:
    explicit DeltaCoalescer(DeltaSink sink, int intervalMs = 16, QObject *parent = nullptr);

    void push(const QString &text);
    void flush(); // delivers what is gathered now (the end of the answer)
    // No delivery from now on: the timer stops and the sink is let go. The request that owns the
    // sink is about to end, and this object (deleted later) could otherwise fire into it.
    void discard();

    int delivered() const { return m_delivered; } // sink calls so far
    bool anyDelivered() const { return m_delivered > 0; }

private:
    DeltaSink m_sink;
    QTimer m_timer;
    QString m_pending;
    int m_delivered = 0;
};

} // namespace rag::chat
