// RAGFlow's "naive" chunking: split the text at delimiter characters, then merge the pieces
// greedily until a chunk holds chunk_tokens tokens. A piece longer than the budget is cut at
// word boundaries. With an overlap, each chunk starts with the tail of the one before it.
#pragma once

#include "ingest/parsed_document.h"

#include <QList>
#include <QString>

namespace rag::ingest {

struct ChunkerOptions {
    int chunkTokens = 512;
    int overlapPercent = 0;
    QString delimiters = QStringLiteral("\n");
};

struct TextChunk {
    QString text;
    int page = 0; // page of the chunk's first piece
    int tokenCount = 0;
};

QList<TextChunk> chunkDocument(const ParsedDocument &document, const ChunkerOptions &options);

} // namespace rag::ingest
