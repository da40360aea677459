// Forms' feedback. The engine's checks speak the command line's language ("--top-n must be..."); a dialog says
// the same with its own field labels ("Top N must be...").
#pragma once

#include <QString>

class QColor;
class QLabel;
class QPalette;

#include <utility>
#include <vector>

namespace rag::ui {

using FieldLabels = std::vector<std::pair<const char *, QString>>; // option, label

QString withFieldLabels(QString message, const FieldLabels &labels);

// A form's message line: an error in bold rather than a colour of our own, so every palette
// (dark ones too) reads it.
void setFormMessage(QLabel *label, const QString &text, bool error);

// Red for error text that reads on the palette's base: darker on a light base, lighter on a
// dark one.
QColor errorTextColour(const QPalette &palette);

} // namespace rag::ui
