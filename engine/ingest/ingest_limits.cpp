#include "ingest/ingest_limits.h"

#include "ingest/office_parsers.h"

#include <QFileInfo>

#include <algorithm>

namespace rag::ingest {

QString IngestLimits::textLimitError() const
{
    const QString limit = maxTextChars >= kMiB ? QStringLiteral("%1 MiB").arg(maxTextChars / kMiB)
                                               : QStringLiteral("%1 characters").arg(maxTextChars);
    return QStringLiteral("the document holds more than %1 of text (the limit, --max-text-mb)").arg(limit);
}

qint64 estimatedPreparationBytes(const QString &path, qint64 fileBytes)
{
    constexpr qint64 kPerTextByte = 12;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"docx") {
        // Its text is about half of the XML it inflates to, whatever the file's size: a small
        // file may hold hundreds of megabytes.
        if (const auto xml = docxDeclaredXmlBytes(path))
            return std::max(fileBytes, *xml / 2) * kPerTextByte;
        return fileBytes * 4 * kPerTextByte;
    }
    if (suffix == u"pdf")
        return fileBytes * 4; // poppler's document and pages, the text being small beside them
    return fileBytes * kPerTextByte;
}

} // namespace rag::ingest
