// Beside the chat transcript: the passage a citation names (document, page, scores and the text
// the answer was given), or how an answer was made (its trace: each stage's time as a bar).
// Closed by its × button; shown again by the next citation or "Timing".
#pragma once

#include "api/records.h"

#include <QFrame>
#include <QJsonObject>

class QLabel;
class QTextBrowser;

namespace rag::ui {

class PassagePane : public QFrame {
    Q_OBJECT
public:
    explicit PassagePane(QWidget *parent = nullptr);

    void showReference(const api::ChatReference &reference); // fills the pane; the caller shows it
    void showTiming(const QJsonObject &trace);               // a trace as RequestTrace::toJson writes it

private:
    QLabel *m_title = nullptr;
    QTextBrowser *m_passage = nullptr;
};

} // namespace rag::ui
