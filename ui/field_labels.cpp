#include "field_labels.h"

#include <QColor>
#include <QLabel>
#include <QPalette>

#include <algorithm>

namespace rag::ui {

QString withFieldLabels(QString message, const FieldLabels &labels)
{
    // Longest options first, so "--top-k" is not taken for a prefix of a longer one.
    FieldLabels sorted = labels;
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return qstrlen(a.first) > qstrlen(b.first); });
    for (const auto &[option, label] : sorted)
        message.replace(QString::fromLatin1(option), label);
    return message;
}

void setFormMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    QFont font = label->font();
    font.setBold(error);
    label->setFont(font);
}

QColor errorTextColour(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(0xef, 0x9a, 0x9a) : QColor(0xc6, 0x28, 0x28);
}

} // namespace rag::ui
