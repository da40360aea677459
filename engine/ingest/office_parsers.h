// Parsers for the binary document formats: PDF (Poppler, one section per page so page numbers
// survive into citations) and DOCX (the WordprocessingML inside the zip).
#pragma once

#include "core/result.h"
#include "ingest/ingest_limits.h"
#include "ingest/parsed_document.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace rag::ingest {

Result<ParsedDocument> parsePdf(const QByteArray &bytes);
// Refuses a document whose XML inflates beyond limits.maxCompressionRatio or whose text passes
// limits.maxTextChars, without holding the XML.
Result<ParsedDocument> parseDocx(const QByteArray &bytes, const IngestLimits &limits = {});
// The size word/document.xml says it inflates to, read from the archive's directory without
// inflating anything; nullopt when the file is no readable DOCX.
std::optional<qint64> docxDeclaredXmlBytes(const QString &path);

} // namespace rag::ingest
