// What the Knowledge tab shows while there is no knowledge base: what ragdesk does and what to
// do first, with buttons for it.
#pragma once

#include <QWidget>

namespace rag::ui {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

Q_SIGNALS:
    void newKnowledgeBaseRequested();
    void providersRequested();
};

} // namespace rag::ui
