// Incremental Server-Sent Events parser following the WHATWG rules: lines end in LF, CR or CRLF
// (a CRLF may be split across chunks), a blank line dispatches an event, several data lines join
// with LF, comment lines start with ':', and chunk boundaries may fall anywhere, even inside a
// UTF-8 sequence. Used for OpenAI-compatible streaming and RAGFlow-style SSE.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace rag::providers {

struct SseEvent {
    QString type = QStringLiteral("message");
    QString data;
    QString id; // the last event id in force when the event was dispatched
};

class SseParser {
public:
    SseParser();

    // Feeds the next bytes of the stream; returns the events they complete.
    QList<SseEvent> feed(QByteArrayView bytes);
    // The stream ended. Per the spec an event missing its blank line is dropped; returns true
    // when one was (a server that cut the stream short).
    bool finish();

    QString lastEventId() const { return m_lastEventId; }
    int retryMs() const { return m_retryMs; } // -1 until the server sets one

private:
    void processLine(const QString &line, QList<SseEvent> &events);

    // Lines are assembled from bytes and decoded whole (CR and LF are never inside a UTF-8
    // sequence), so the same bytes give the same events however they are cut. A stateful decoder
    // would not: Qt 6.4's drops the byte after an invalid sequence cut at a chunk's end.
    QByteArray m_line;
    QByteArray m_start;     // the stream's first bytes while they may still be a cut UTF-8 BOM
    bool m_atStart = true;
    bool m_afterCr = false; // the last byte was CR: an LF right after it ends nothing more
    QString m_data;
    QString m_type;
    bool m_hasData = false;
    QString m_lastEventId;
    int m_retryMs = -1;
};

} // namespace rag::providers
