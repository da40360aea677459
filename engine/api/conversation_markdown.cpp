#include "api/conversation_markdown.h"

#include <QRegularExpression>

#include <algorithm>

namespace rag::api {

QString citationsNumberedFromOne(const QString &answer)
{
    static const QRegularExpression marker(QStringLiteral("\\[ID:(\\d{1,6})\\]"));
    QString out;
    qsizetype at = 0;
    for (auto it = marker.globalMatch(answer); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        out += QStringView(answer).mid(at, match.capturedStart() - at);
        out += QStringLiteral("[%1]").arg(match.captured(1).toInt() + 1);
        at = match.capturedEnd();
    }
    out += QStringView(answer).mid(at);
    return out;
}

namespace {

// A question in a blockquote: each of its lines quoted, so Markdown in it stays the user's text.
QString quoted(const QString &text)
{
    QStringList lines = text.trimmed().split(u'\n');
    for (QString &line : lines)
        line.prepend(QStringLiteral("> "));
    return lines.join(u'\n');
}
} // namespace

QString conversationMarkdown(const Conversation &conversation, const QString &assistantName)
{
    QString md = QStringLiteral("# %1\n\n").arg(conversation.title.isEmpty() ? QStringLiteral("Conversation") : conversation.title);
    md += QStringLiteral("*%1, started %2 (UTC)*\n")
              .arg(assistantName.isEmpty() ? QStringLiteral("ragdesk") : QStringLiteral("Assistant %1").arg(assistantName),
                   conversation.createdAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    for (const StoredMessage &message : conversation.messages) {
        if (message.role == u"user") {
            md += QStringLiteral("\n**You:**\n\n%1\n").arg(quoted(message.content));
            continue;
        }
        md += QStringLiteral("\n**%1:**\n\n%2\n").arg(assistantName.isEmpty() ? QStringLiteral("Answer") : assistantName,
                                                      citationsNumberedFromOne(message.content).trimmed());
        QList<ChatReference> sources = message.references;
        std::sort(sources.begin(), sources.end(), [](const ChatReference &a, const ChatReference &b) { return a.index < b.index; });
        if (!sources.isEmpty())
            md += QStringLiteral("\nSources:\n\n");
        for (const ChatReference &source : std::as_const(sources)) {
            md += QStringLiteral("%1. %2%3\n")
                      .arg(source.index + 1)
                      .arg(source.document, source.page > 0 ? QStringLiteral(", page %1").arg(source.page) : QString());
        }
    }
    return md;
}

} // namespace rag::api
