// The passage a citation names, beside the chat transcript: document, page, scores and the text
// the answer was given. Closed by its × button; shown again by the next citation.
#pragma once

#include "api/records.h"

#include <QFrame>

class QLabel;
class QTextBrowser;

namespace rag::ui {

class PassagePane : public QFrame {
    Q_OBJECT
public:
    explicit PassagePane(QWidget *parent = nullptr);

    void showReference(const api::ChatReference &reference); // fills the pane; the caller shows it

private:
    QLabel *m_title = nullptr;
    QTextBrowser *m_passage = nullptr;
};

} // namespace rag::ui
