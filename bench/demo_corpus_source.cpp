#include "demo_corpus_source.h"

#include "ingest/document_parser.h"
#include "ingest/text_parsers.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <utility>

namespace rag::bench {

QStringList splitSentences(const QString &paragraph)
{
    static const QRegularExpression end(QStringLiteral("(?<=[.!?])\\s+(?=[A-Z`\"(])"));
    return paragraph.split(end, Qt::SkipEmptyParts);
}

namespace {

// The heading a block stands for, or an empty string when it is text.
QString headingOf(const QStringList &lines)
{
    static const QRegularExpression underline(QStringLiteral("^[=-]{3,}$"));
    static const QRegularExpression marker(QStringLiteral("^(#+|Q:)\\s*")); // Markdown, and the FAQ's questions
    if (lines.size() == 2 && underline.match(lines.at(1).trimmed()).hasMatch())
        return lines.first().trimmed();
    const QString line = lines.size() == 1 ? lines.first().trimmed() : QString();
    if (line.isEmpty() || marker.match(line).hasMatch())
        return QString(line).remove(marker);
    // HTML headings arrive as bare lines: short, capitalised, not ending like a sentence.
    if (line.size() < 80 && line.at(0).isUpper() && !QStringLiteral(".:;,").contains(line.back()))
        return line;
    return {};
}

Block classify(const QStringList &lines)
{
    static const QRegularExpression item(QStringLiteral("^([-*]|\\d+\\.)\\s+"));
    const QString first = lines.first().trimmed();
    const bool table = std::all_of(lines.cbegin(), lines.cend(), [](const QString &l) {
        return l.trimmed().startsWith(u'|') || l.startsWith(QLatin1String("    "));
    });
    if (first.startsWith(QLatin1String("```")) || table)
        return {Block::Verbatim, lines.join(u'\n')};
    const bool list = item.match(first).hasMatch();
    QStringList parts; // list items, or the lines of one paragraph
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (list && !parts.isEmpty() && !item.match(trimmed).hasMatch())
            parts.last() += u' ' + trimmed; // a list item's wrapped continuation
        else
            parts.append(list ? QString(trimmed).remove(item) : trimmed);
    }
    return {list ? Block::List : Block::Prose, parts.join(list ? u'\n' : u' ')};
}

} // namespace

Result<Topic> loadTopic(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool html = suffix.startsWith(QLatin1String("htm")), csv = suffix == QLatin1String("csv");
    Topic topic{{}, QFileInfo(path).completeBaseName(), {}, {}, {}};
    QString text;
    if (html) { // line breaks inside an HTML paragraph are only wrapping; block tags make the real ones
        text = ingest::htmlToText(QString::fromUtf8(bytes).replace(u'\n', u' '), &topic.title);
    } else {
        auto parsed = ingest::parseDocument(path, bytes);
        if (!parsed)
            return fail(QStringLiteral("cannot parse %1: %2").arg(path, parsed.error()));
        for (const ingest::TextSection &section : parsed->sections)
            text += section.text + u'\n';
    }
    if (csv) // a table has no heading of its own: the file name is it
        topic.title = topic.slug.left(1).toUpper() + topic.slug.mid(1).replace(u'-', u' ');
    // Markdown and text paragraphs end at blank lines (not inside code fences); HTML and CSV hold
    // one paragraph or row per line.
    QList<QStringList> raw;
    QStringList current;
    bool fence = false;
    for (const QString &line : text.split(u'\n')) {
        const bool blank = line.trimmed().isEmpty();
        if (line.trimmed().startsWith(QLatin1String("```")))
            fence = !fence;
        if (!blank || fence)
            current.append(line);
        if (((blank && !fence) || html || csv) && !current.isEmpty())
            raw.append(std::exchange(current, {}));
    }
    if (!current.isEmpty())
        raw.append(current);
    for (const QStringList &lines : std::as_const(raw)) {
        if (const QString heading = headingOf(lines); !heading.isEmpty()) {
            topic.title = topic.title.isEmpty() ? heading : topic.title;
            topic.sections.append({heading, {}, {}});
            continue;
        }
        const Block block = classify(lines);
        if (block.kind == Block::Prose && block.text.count(u' ') < 3)
            continue; // a table's header row or a stray label, not a passage
        if (topic.sections.isEmpty())
            topic.sections.append({topic.title.isEmpty() ? topic.slug : topic.title, {}, {}});
        Section &section = topic.sections.last();
        section.blocks.append(block);
        if (block.kind != Block::Verbatim)
            section.sentences += block.kind == Block::Prose ? splitSentences(block.text) : block.text.split(u'\n');
    }
    for (int i = 0; i < topic.sections.size(); ++i) {
        topic.sentences += topic.sections.at(i).sentences;
        topic.tickets += QList<int>(topic.sections.at(i).blocks.size() + 1, i);
    }
    if (topic.sentences.isEmpty())
        return fail(QStringLiteral("%1 has no text to grow a corpus from").arg(path));
    return topic;
}

} // namespace rag::bench
