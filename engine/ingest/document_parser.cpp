#include "ingest/document_parser.h"

#include "ingest/office_parsers.h"
#include "ingest/text_parsers.h"

#include <QFileInfo>

namespace rag::ingest {

QStringList supportedExtensions()
{
    return {QStringLiteral("txt"), QStringLiteral("text"), QStringLiteral("md"), QStringLiteral("markdown"),
            QStringLiteral("html"), QStringLiteral("htm"), QStringLiteral("pdf"), QStringLiteral("docx"),
            QStringLiteral("csv")};
}

bool isSupportedFile(const QString &path)
{
    return supportedExtensions().contains(QFileInfo(path).suffix().toLower());
}

Result<ParsedDocument> parseDocument(const QString &path, const QByteArray &bytes, const IngestLimits &limits)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    Result<ParsedDocument> parsed = fail(QStringLiteral("unsupported file type '.%1' (ragdesk reads %2)")
                                             .arg(suffix, supportedExtensions().join(QStringLiteral(", "))));
    if (suffix == u"txt" || suffix == u"text")
        parsed = parsePlainText(bytes);
    else if (suffix == u"md" || suffix == u"markdown")
        parsed = parseMarkdown(bytes);
    else if (suffix == u"html" || suffix == u"htm")
        parsed = parseHtml(bytes);
    else if (suffix == u"csv")
        parsed = parseCsv(bytes);
    else if (suffix == u"pdf")
        parsed = parsePdf(bytes);
    else if (suffix == u"docx")
        parsed = parseDocx(bytes, limits);
    if (!parsed)
        return parsed;
    qint64 chars = 0;
    for (const TextSection &section : std::as_const(parsed->sections))
        chars += section.text.size();
    if (chars > limits.maxTextChars)
        return fail(limits.textLimitError());
    if (!parsed->hasText())
        return fail(QStringLiteral("the file has no text"));
    if (parsed->title.isEmpty())
        parsed->title = info.completeBaseName();
    return parsed;
}

} // namespace rag::ingest
