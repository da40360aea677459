// Markdown as the HTML fragment a QTextBrowser shows: answers (with their citation markers) and
// passages. Text from models and documents is never trusted as markup: raw HTML in it is shown as
// text, not interpreted (Qt's GitHub dialect without HTML).
#pragma once

#include <QString>

#include <functional>

namespace rag::ui {

QString markdownToHtml(const QString &markdown);

// An answer (models write Markdown): each [ID:i] marker becomes `citation(i)` (a link, or "" to drop a marker naming no
// passage), and a marker cut off by the end of a streaming answer ("[ID:1", "[I") is held back
// rather than shown raw.
// A passage of a document: Markdown rendered when the document is Markdown (.md, .markdown),
// otherwise its text as it is, line breaks kept.
QString passageToHtml(const QString &documentName, const QString &content);

QString answerToHtml(const QString &answer, const std::function<QString(int)> &citation);

} // namespace rag::ui
