#include "passage_pane.h"

#include "markdown_html.h"
#include "stage_bars.h"

#include <QHBoxLayout>
#include <QJsonValue>
#include <QLabel>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rag::ui {

PassagePane::PassagePane(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("citationPane"));
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("citationTitle"));
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText); // a document name is not markup
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    auto *close = new QToolButton;
    close->setText(QStringLiteral("×"));
    close->setToolTip(tr("Close the passage"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    m_passage = new QTextBrowser;
    m_passage->setObjectName(QStringLiteral("citationPassage"));

    auto *head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    head->addWidget(close, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(head);
    layout->addWidget(m_passage, 1);
}

void PassagePane::showReference(const api::ChatReference &reference)
{
    // Numbered from 1, as the answer's citation links are.
    const int number = reference.index + 1;
    m_title->setText(reference.page > 0 ? tr("[%1] %2, page %3").arg(number).arg(reference.document).arg(reference.page)
                                        : tr("[%1] %2").arg(number).arg(reference.document));
    m_passage->setHtml(QStringLiteral("<p style=\"color:%1; font-size:small;\">%2</p>%3")
                           .arg(palette().color(QPalette::PlaceholderText).name())
                           .arg(tr("similarity %1 · term %2 · vector %3")
                                    .arg(reference.similarity, 0, 'f', 3)
                                    .arg(reference.termSimilarity, 0, 'f', 3)
                                    .arg(reference.vectorSimilarity, 0, 'f', 3),
                                passageToHtml(reference.document, reference.content)));
}

void PassagePane::showTiming(const QJsonObject &trace)
{
    m_title->setText(tr("How this answer was made"));
    // The stages in pipeline order, each as its share of the whole.
    static const char *const kStages[] = {"admission", "load", "embed", "search", "rerank", "prompt",
                                          "first_token", "last_chunk", "save"};
    QList<std::pair<QString, double>> stages;
    for (const char *stage : kStages) {
        if (const QJsonValue value = trace.value(QLatin1String(stage)); value.isDouble())
            stages.append({QString::fromLatin1(stage), value.toDouble()});
    }
    const double total = trace.value(QStringLiteral("total")).toDouble();
    const QString bars = stageBarsHtml(stages, total, palette().color(QPalette::Highlight));
    QString html = bars.isEmpty() ? tr("<p>No timing was recorded for this answer.</p>") : bars;
    if (trace.value(QStringLiteral("ttfc")).isDouble())
        html += tr("<p>First words after %1 ms; %2 ms in all.</p>")
                    .arg(trace.value(QStringLiteral("ttfc")).toDouble(), 0, 'f', 0)
                    .arg(total, 0, 'f', 0);
    m_passage->setHtml(html);
}

} // namespace rag::ui
