#include "ingest/text_parsers.h"

#include "ingest/text_decoder.h"

#include <QRegularExpression>
#include <QSet>

namespace rag::ingest {

Result<ParsedDocument> parsePlainText(const QByteArray &bytes)
{
    auto text = decodeText(bytes);
    if (!text)
        return fail(text.error());
    ParsedDocument doc;
    doc.sections.append({*text, 0});
    return doc;
}

Result<ParsedDocument> parseMarkdown(const QByteArray &bytes)
{
    auto text = decodeText(bytes);
    if (!text)
        return fail(text.error());
    ParsedDocument doc;
    static const QRegularExpression heading(QStringLiteral("^#\\s+(.+?)\\s*#*\\s*$"), QRegularExpression::MultilineOption);
    if (const auto match = heading.match(*text); match.hasMatch())
        doc.title = match.captured(1);
    // Markdown reads fine as it is; only HTML comments would be noise in answers.
    static const QRegularExpression comment(QStringLiteral("<!--.*?-->"), QRegularExpression::DotMatchesEverythingOption);
    doc.sections.append({QString(*text).remove(comment), 0});
    return doc;
}

namespace {
QString decodeEntity(QStringView entity)
{
    static const QHash<QString, QString> named = {
        {QStringLiteral("amp"), QStringLiteral("&")},   {QStringLiteral("lt"), QStringLiteral("<")},
        {QStringLiteral("gt"), QStringLiteral(">")},    {QStringLiteral("quot"), QStringLiteral("\"")},
        {QStringLiteral("apos"), QStringLiteral("'")},  {QStringLiteral("nbsp"), QStringLiteral(" ")},
        {QStringLiteral("mdash"), QStringLiteral("—")}, {QStringLiteral("ndash"), QStringLiteral("–")},
        {QStringLiteral("hellip"), QStringLiteral("…")}, {QStringLiteral("copy"), QStringLiteral("©")},
        {QStringLiteral("laquo"), QStringLiteral("«")}, {QStringLiteral("raquo"), QStringLiteral("»")},
        {QStringLiteral("rsquo"), QStringLiteral("’")}, {QStringLiteral("lsquo"), QStringLiteral("‘")},
        {QStringLiteral("rdquo"), QStringLiteral("”")}, {QStringLiteral("ldquo"), QStringLiteral("“")},
    };
    if (entity.startsWith(u'#')) {
        bool ok = false;
        const uint code = entity.size() > 1 && (entity.at(1) == u'x' || entity.at(1) == u'X')
            ? entity.mid(2).toUInt(&ok, 16)
            : entity.mid(1).toUInt(&ok, 10);
        if (ok && code > 0 && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF)) {
            const char32_t c = code;
            return QString::fromUcs4(&c, 1);
        }
        return {};
    }
    return named.value(entity.toString());
}

bool isBlockTag(QStringView name)
{
    static const QSet<QString> blocks = {
        QStringLiteral("p"),     QStringLiteral("div"),     QStringLiteral("br"),      QStringLiteral("li"),
        QStringLiteral("ul"),    QStringLiteral("ol"),      QStringLiteral("tr"),      QStringLiteral("table"),
        QStringLiteral("h1"),    QStringLiteral("h2"),      QStringLiteral("h3"),      QStringLiteral("h4"),
        QStringLiteral("h5"),    QStringLiteral("h6"),      QStringLiteral("section"), QStringLiteral("article"),
        QStringLiteral("header"), QStringLiteral("footer"), QStringLiteral("pre"),     QStringLiteral("blockquote"),
        QStringLiteral("dt"),    QStringLiteral("dd"),      QStringLiteral("hr"),      QStringLiteral("title"),
    };
    return blocks.contains(name.toString());
}
} // namespace

QString htmlToText(QStringView html, QString *title)
{
    QString out;
    out.reserve(html.size());
    QString skipUntil; // closing tag of an element whose content is not text (script, style)
    bool titleSought = false;
    qsizetype i = 0;
    while (i < html.size()) {
        const QChar c = html.at(i);
        if (c == u'<') {
            if (html.mid(i, 4) == u"<!--") {
                const qsizetype end = html.indexOf(u"-->", i + 4);
                i = end < 0 ? html.size() : end + 3;
                continue;
            }
            const qsizetype close = html.indexOf(u'>', i + 1);
            if (close < 0)
                break;
            QStringView tag = html.mid(i + 1, close - i - 1).trimmed();
            const bool closing = tag.startsWith(u'/');
            if (closing)
                tag = tag.mid(1);
            qsizetype nameEnd = 0;
            while (nameEnd < tag.size() && (tag.at(nameEnd).isLetterOrNumber()))
                ++nameEnd;
            const QString name = tag.left(nameEnd).toString().toLower();
            i = close + 1;
            if (!skipUntil.isEmpty()) {
                if (closing && name == skipUntil)
                    skipUntil.clear();
                continue;
            }
            if (!closing && (name == u"script" || name == u"style" || name == u"noscript" || name == u"template")) {
                skipUntil = name;
                continue;
            }
            if (!closing && name == u"title" && title && !titleSought) {
                titleSought = true; // once: a search per unclosed <title> would make the parse quadratic
                const qsizetype end = html.indexOf(QStringLiteral("</title"), i, Qt::CaseInsensitive);
                if (end > i)
                    *title = htmlToText(html.mid(i, end - i)).simplified();
            }
            if (isBlockTag(name))
                out.append(u'\n');
            else if (name == u"td" || name == u"th")
                out.append(u'\t');
            continue;
        }
        if (!skipUntil.isEmpty()) {
            ++i;
            continue;
        }
        if (c == u'&') {
            // An entity is short: looking further for its ';' would rescan the text per '&'.
            const qsizetype found = QStringView(html).mid(i + 1, 10).indexOf(u';');
            const qsizetype semicolon = found < 0 ? -1 : i + 1 + found;
            if (semicolon > i) {
                const QString decoded = decodeEntity(html.mid(i + 1, semicolon - i - 1));
                if (!decoded.isEmpty()) {
                    out.append(decoded);
                    i = semicolon + 1;
                    continue;
                }
            }
        }
        out.append(c == u'\r' ? u'\n' : c);
        ++i;
    }
    // Collapse the whitespace HTML ignores, keep one line break per block.
    static const QRegularExpression spaces(QStringLiteral("[ \\t\\x{00a0}]+"));
    static const QRegularExpression lines(QStringLiteral("\\s*\\n\\s*"));
    return out.replace(spaces, QStringLiteral(" ")).replace(lines, QStringLiteral("\n")).trimmed();
}

Result<ParsedDocument> parseHtml(const QByteArray &bytes)
{
    auto text = decodeText(bytes);
    if (!text)
        return fail(text.error());
    ParsedDocument doc;
    doc.sections.append({htmlToText(*text, &doc.title), 0});
    return doc;
}

namespace {
QList<QStringList> parseCsvRows(QStringView text, QChar separator)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field.append(u'"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.append(c);
            }
        } else if (c == u'"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == separator) {
            row.append(field.trimmed());
            field.clear();
            fieldStarted = false;
        } else if (c == u'\n' || c == u'\r') {
            if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
                ++i;
            row.append(field.trimmed());
            if (!(row.size() == 1 && row.first().isEmpty()))
                rows.append(row);
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field.append(c);
            fieldStarted = true;
        }
    }
    if (fieldStarted || !row.isEmpty()) {
        row.append(field.trimmed());
        rows.append(row);
    }
    return rows;
}

QChar detectSeparator(QStringView text)
{
    const QStringView firstLine = text.left(text.indexOf(u'\n') < 0 ? text.size() : text.indexOf(u'\n'));
    QChar best = u',';
    qsizetype bestCount = 0;
    for (QChar candidate : {u',', u';', u'\t', u'|'}) {
        const qsizetype count = firstLine.count(candidate);
        if (count > bestCount) {
            best = candidate;
            bestCount = count;
        }
    }
    return best;
}
} // namespace

Result<ParsedDocument> parseCsv(const QByteArray &bytes)
{
    auto text = decodeText(bytes);
    if (!text)
        return fail(text.error());
    const QList<QStringList> rows = parseCsvRows(*text, detectSeparator(*text));
    if (rows.isEmpty())
        return fail(QStringLiteral("the CSV file has no rows"));
    const QStringList header = rows.first();
    QStringList lines;
    for (qsizetype r = 1; r < rows.size(); ++r) {
        QStringList cells;
        for (qsizetype c = 0; c < rows.at(r).size(); ++c) {
            const QString value = rows.at(r).at(c).simplified(); // a row reads as one line
            if (value.isEmpty())
                continue;
            const QString name = c < header.size() && !header.at(c).isEmpty() ? header.at(c)
                                                                               : QStringLiteral("column %1").arg(c + 1);
            cells.append(name + QStringLiteral(": ") + value);
        }
        if (!cells.isEmpty())
            lines.append(cells.join(QStringLiteral("; ")));
    }
    if (rows.size() == 1) // a header alone is still content
        lines.append(header.join(QStringLiteral("; ")));
    ParsedDocument doc;
    doc.sections.append({lines.join(u'\n'), 0});
    return doc;
}

} // namespace rag::ingest
