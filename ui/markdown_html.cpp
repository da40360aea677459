#include "markdown_html.h"

#include <QRegularExpression>
#include <QTextDocument>

namespace rag::ui {

namespace {
// Citation markers travel through the Markdown parser as private-use characters, which no
// Markdown syntax touches, and are turned into links in its HTML.
constexpr char16_t kCiteOpen = u'\uE000';
constexpr char16_t kCiteClose = u'\uE001';
} // namespace

QString markdownToHtml(const QString &markdown)
{
    QTextDocument document;
    document.setMarkdown(markdown, QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub
                                                                   | QTextDocument::MarkdownNoHTML));
    const QString html = document.toHtml();
    // The body's content only: the fragment goes inside the transcript's own document.
    const qsizetype bodyTag = html.indexOf(QLatin1String("<body"));
    const qsizetype start = bodyTag < 0 ? -1 : html.indexOf(u'>', bodyTag);
    const qsizetype end = html.lastIndexOf(QLatin1String("</body>"));
    if (start < 0 || end < start)
        return markdown.toHtmlEscaped();
    return html.mid(start + 1, end - start - 1).trimmed();
}

QString passageToHtml(const QString &documentName, const QString &content)
{
    const QString name = documentName.toLower();
    if (name.endsWith(QLatin1String(".md")) || name.endsWith(QLatin1String(".markdown")))
        return markdownToHtml(content);
    return QStringLiteral("<p>%1</p>").arg(content.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
}

QString answerToHtml(const QString &answer, const std::function<QString(int)> &citation)
{
    static const QRegularExpression marker(QStringLiteral("\\[ID:(\\d{1,6})\\]"));
    static const QRegularExpression cutMarker(QStringLiteral("\\[(I(D(:\\d*)?)?)?$"));
    static const QRegularExpression placeholder(QStringLiteral("\uE000(\\d+)\uE001"));
    QString text = answer;
    text.remove(cutMarker);
    text.replace(marker, QString(kCiteOpen) + QStringLiteral("\\1") + QString(kCiteClose));
    const QString html = markdownToHtml(text);
    QString linked;
    qsizetype at = 0;
    for (auto it = placeholder.globalMatch(html); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        linked += QStringView(html).mid(at, match.capturedStart() - at);
        linked += citation(match.captured(1).toInt());
        at = match.capturedEnd();
    }
    linked += QStringView(html).mid(at);
    return linked;
}

} // namespace rag::ui
