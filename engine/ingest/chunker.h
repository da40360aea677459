// RAGFlow's "naive" chunking: split the text at delimiter characters, then merge the pieces
// greedily until a chunk holds chunk_tokens tokens. A piece longer than the budget is cut at
// word boundaries. With an overlap, each chunk starts with the tail of the one before it.
// Linear in the text on any input, a text without whitespace included (docs/reliability.md).
#pragma once

#include "ingest/parsed_document.h"

#include <QList>
#include <QString>

#include <atomic>

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

// `cancelled`, when given, is polled between pieces and cuts: once set, chunking stops at once
// and what it returns is incomplete (the caller discards it).
QList<TextChunk> chunkDocument(const ParsedDocument &document, const ChunkerOptions &options,
                               const std::atomic<bool> *cancelled = nullptr);

} // namespace rag::ingest
