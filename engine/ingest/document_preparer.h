// Everything ingestion does to one file before the database sees it, pure CPU work that runs on
// the CPU pool: read, hash, parse, chunk, tokenize, embed.
#pragma once

#include "core/result.h"
#include "index/builtin_embedder.h"
#include "ingest/chunker.h"
#include "store/records.h"

namespace rag::ingest {

struct FileContent {
    QByteArray bytes;
    QString contentHash; // SHA-256, hex
};

// A file larger than maxBytes is refused before it is read.
Result<FileContent> readFile(const QString &path, qint64 maxBytes);

// Chunks and embeds a parsed document into what DocumentRepository::write takes. Without an
// embedder the chunks have no vectors yet: an embedding provider adds them (IngestJob). Once
// `cancelled` is set it stops within a chunk's work and returns an incomplete document.
store::PreparedDocument prepareDocument(const ParsedDocument &parsed, const ChunkerOptions &chunking,
                                        const index::BuiltinEmbedder *embedder,
                                        const std::atomic<bool> *cancelled = nullptr);

} // namespace rag::ingest
