// Turns file bytes into text, or says why they are not text: binary content is rejected rather
// than indexed as garbage. UTF-8 (with or without BOM) and UTF-16 with BOM are recognised;
// other 8-bit text is read as Windows-1252.
#pragma once

#include "core/result.h"

#include <QByteArray>

namespace rag::ingest {

Result<QString> decodeText(const QByteArray &bytes);

} // namespace rag::ingest
