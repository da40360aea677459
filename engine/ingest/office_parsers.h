// Parsers for the binary document formats: PDF (Poppler, one section per page so page numbers
// survive into citations) and DOCX (the WordprocessingML inside the zip).
#pragma once

#include "core/result.h"
#include "ingest/parsed_document.h"

#include <QByteArray>

namespace rag::ingest {

Result<ParsedDocument> parsePdf(const QByteArray &bytes);
Result<ParsedDocument> parseDocx(const QByteArray &bytes);

} // namespace rag::ingest
