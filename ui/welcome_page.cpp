#include "welcome_page.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace rag::ui {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcome"));
    auto *icon = new QLabel;
    icon->setPixmap(QIcon(QStringLiteral(":/icons/ragdesk.svg")).pixmap(72, 72));
    auto *title = new QLabel(tr("<h2>Welcome to ragdesk</h2>"));
    auto *text = new QLabel(
        tr("<p>Chat with your own documents: ragdesk finds the passages that answer a question and "
           "cites them. It works offline with its built-in providers; connect your own reranker, "
           "embedder and chat model whenever you like.</p>"
           "<ol>"
           "<li><b>Create a knowledge base</b>, then add files or a folder to it, or drop them on "
           "this window (text, Markdown, HTML, PDF, Word, CSV).</li>"
           "<li><b>Search it</b> here, or <b>ask it</b> on the Chat tab: answers cite the passages "
           "they come from.</li>"
           "<li>Optionally, <b>connect providers</b> (Edit &gt; Providers) and load-test the whole "
           "pipeline on the Load test tab.</li>"
           "</ol>"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    auto *create = new QPushButton(tr("New knowledge base..."));
    create->setObjectName(QStringLiteral("welcomeNewKnowledgeBase"));
    create->setDefault(true);
    auto *providers = new QPushButton(tr("Providers..."));
    providers->setObjectName(QStringLiteral("welcomeProviders"));
    connect(create, &QPushButton::clicked, this, &WelcomePage::newKnowledgeBaseRequested);
    connect(providers, &QPushButton::clicked, this, &WelcomePage::providersRequested);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(create);
    buttons->addWidget(providers);
    buttons->addStretch(1);
    auto *column = new QVBoxLayout;
    column->addWidget(icon);
    column->addWidget(title);
    column->addWidget(text);
    column->addLayout(buttons);
    column->addStretch(1);
    // A readable measure on a wide window: the text keeps to a column.
    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);
}

} // namespace rag::ui
