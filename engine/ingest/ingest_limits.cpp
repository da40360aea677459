#include "ingest/ingest_limits.h"

#include "ingest/office_parsers.h"

#include <QFileInfo>

#include <algorithm>

namespace rag::ingest {

QString IngestLimits::textLimitError() const
{
    const QString limit = maxTextChars >= kMiB ? QStringLiteral("%1 Mi characters").arg(maxTextChars / kMiB)
                                               : QStringLiteral("%1 characters").arg(maxTextChars);
    return QStringLiteral("the document holds more than %1 of text (the limit, --max-text-mb)").arg(limit);
}

qint64 estimatedPreparationBytes(const QString &path, qint64 fileBytes, const IngestLimits &limits)
{
    constexpr qint64 kPerTextByte = 12;
    if (fileBytes > limits.maxFileBytes)
        return 0; // refused before it is read
    const QString suffix = QFileInfo(path).suffix().toLower();
    qint64 text = fileBytes;
    if (suffix == u"docx") {
        // Its text is about half of the XML it inflates to, whatever the file's size: a small
        // file may hold hundreds of megabytes. The size is the file's word, so it is bounded.
        const auto xml = docxDeclaredXmlBytes(path);
        text = xml ? std::max(fileBytes, *xml / 2) : fileBytes * 4;
    } else if (suffix == u"pdf") {
        text = fileBytes / 3; // poppler's document and pages, the text being small beside them
    }
    // Past the budget it is prepared alone, however far past.
    return std::min(std::min(text, limits.maxTextChars) * kPerTextByte, limits.memoryBudgetBytes);
}

} // namespace rag::ingest
