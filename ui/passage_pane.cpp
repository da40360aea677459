#include "passage_pane.h"

#include "markdown_html.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

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
    m_passage->setHtml(QStringLiteral("<p style=\"color:#7d848d; font-size:small;\">%1</p>%2")
                           .arg(tr("similarity %1 · term %2 · vector %3")
                                    .arg(reference.similarity, 0, 'f', 3)
                                    .arg(reference.termSimilarity, 0, 'f', 3)
                                    .arg(reference.vectorSimilarity, 0, 'f', 3),
                                passageToHtml(reference.document, reference.content)));
}

} // namespace rag::ui
