// Parsers for the text formats: plain text, Markdown, HTML and CSV. Each takes the file's bytes
// and returns its text as sections, or a message saying why the file cannot be read.
#pragma once

#include "core/result.h"
#include "ingest/parsed_document.h"

#include <QByteArray>

namespace rag::ingest {

Result<ParsedDocument> parsePlainText(const QByteArray &bytes);
Result<ParsedDocument> parseMarkdown(const QByteArray &bytes);
Result<ParsedDocument> parseHtml(const QByteArray &bytes);
// One line per row, "header: value; header: value", so each row reads on its own when retrieved.
Result<ParsedDocument> parseCsv(const QByteArray &bytes);

// HTML to text: drops scripts, styles and tags, keeps line structure, decodes entities.
QString htmlToText(QStringView html, QString *title = nullptr);

} // namespace rag::ingest
