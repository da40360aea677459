// One answer's pipeline stages as rows of bars, each as wide as its share of the whole: what
// an answer's Timing (PassagePane) and the monitor's "latest answer" show. Rich text for a
// QLabel or QTextBrowser; the bars take the palette's highlight, so any theme draws them.
#pragma once

#include <QColor>
#include <QList>
#include <QString>

#include <utility>

namespace rag::ui {

// `stages` as (name, ms) in pipeline order ("first_token" shows as "first token"); `total` the
// whole answer's ms (the bars' 100%). Empty when there are no stages.
QString stageBarsHtml(const QList<std::pair<QString, double>> &stages, double total, const QColor &bar);

} // namespace rag::ui
