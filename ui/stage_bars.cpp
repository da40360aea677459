#include "stage_bars.h"

#include <algorithm>
#include <cmath>

namespace rag::ui {

QString stageBarsHtml(const QList<std::pair<QString, double>> &stages, double total, const QColor &bar)
{
    QString rows;
    for (const auto &[name, ms] : stages) {
        const int percent = total > 0 ? std::clamp(int(std::lround(100.0 * ms / total)), 1, 100) : 1;
        // The bar: one cell as wide as the stage's share, filled; the rest of the row empty.
        rows += QStringLiteral("<tr><td>%1</td><td align=\"right\">%2&nbsp;ms</td><td width=\"60%\">"
                               "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr>"
                               "<td width=\"%3%\" bgcolor=\"%4\">&nbsp;</td><td width=\"%5%\"></td></tr></table>"
                               "</td></tr>")
                    .arg(QString(name).replace(u'_', u' ').toHtmlEscaped())
                    .arg(ms, 0, 'f', 1)
                    .arg(percent)
                    .arg(bar.name())
                    .arg(100 - percent);
    }
    return rows.isEmpty() ? QString() : QStringLiteral("<table cellspacing=\"4\">%1</table>").arg(rows);
}

} // namespace rag::ui
