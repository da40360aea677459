// A message that belongs to a view and stays until the user dismisses it or the view has a newer
// one: what an ingestion did (and every failure, in the tooltip), an error creating a knowledge
// base. Colours come from the palette, so dark themes work.
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace rag::ui {

class MessageBar : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Info, Warning };
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(const QString &text, Kind kind = Kind::Info, const QString &details = {});
    QString text() const;
    QString details() const; // the tooltip: every line the message sums up

private:
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_close = nullptr;
};

} // namespace rag::ui
