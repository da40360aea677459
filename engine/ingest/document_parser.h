// Picks the parser for a file by its extension and runs it on the file's bytes.
#pragma once

#include "core/result.h"
#include "ingest/ingest_limits.h"
#include "ingest/parsed_document.h"

#include <QByteArray>
#include <QStringList>

namespace rag::ingest {

QStringList supportedExtensions();
bool isSupportedFile(const QString &path);

// The title falls back to the file name when the format carries none. A document whose text
// passes limits.maxTextChars is refused, like a compressed part past its ratio.
Result<ParsedDocument> parseDocument(const QString &path, const QByteArray &bytes, const IngestLimits &limits = {});

} // namespace rag::ingest
