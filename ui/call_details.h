// The lower half of the rerank call inspector: every field of the selected call, its request and
// response bodies (already redacted by the engine), JSON re-indented for reading, and "Replay...".
#pragma once

#include "api/records.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace rag::ui {

class CallDetails : public QWidget {
    Q_OBJECT
public:
    explicit CallDetails(QWidget *parent = nullptr);

    // The fields at once (from the table's snapshot); the bodies say they are loading.
    void showCall(const api::RerankCallRecord &call);
    // The bodies of the call on show, once fetched; `error` when they could not be.
    void showBodies(const api::RerankCallRecord &call, const QString &error);
    void clear();

Q_SIGNALS:
    // "Replay..." was pressed for the call on show (read with its bodies: replayable).
    void replayRequested(const api::RerankCallRecord &call);

private:
    void offerReplay(const api::RerankCallRecord &call); // a default record: nothing to replay
    QLabel *m_fields = nullptr;
    QPushButton *m_replay = nullptr;
    api::RerankCallRecord m_shown; // with bodies, once they are read
    QPlainTextEdit *m_request = nullptr;
    QPlainTextEdit *m_response = nullptr;
};

// JSON laid out one member per line, two spaces per level; anything else unchanged.
QString prettyBody(const QString &body);

} // namespace rag::ui
