// Plain value types that the store reads and writes; safe to copy across threads.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace rag::store {

struct KnowledgeBaseSpec {
    QString name;
    QString embedder = QStringLiteral("builtin"); // or the name of an embedding provider
    int dimension = 0; // of its vectors; set when the knowledge base is created
    int chunkTokens = 512;
    int overlapPercent = 0;
    QString delimiters = QStringLiteral("\n");
};

struct KnowledgeBase {
    qint64 id = 0;
    KnowledgeBaseSpec spec;
    qint64 documents = 0; // ready documents
    qint64 failedDocuments = 0;
    qint64 chunks = 0;
    qint64 chunkTotal = 0; // chunks of ready documents, as kept by writes
    qint64 termTotal = 0;  // terms in those chunks
    qint64 vectorGeneration = 0; // bumped each time its vectors are replaced (kb reembed)
};

struct StoredDocument {
    qint64 id = 0;
    QString name;
    QString path;
    QString contentHash;
    qint64 size = 0;
    QString status; // "ready" or "failed"
    QString error;
    int chunkCount = 0;
    QString updatedAt; // when it was last ingested, ISO 8601 UTC
};

// A chunk ready to be written: text plus everything search needs precomputed.
struct PreparedChunk {
    QString content;
    int page = 0; // 1-based; 0 when the format has no pages
    int tokenCount = 0;
    QString ftsText;        // the tokenizer's output, space separated, for the full-text index
    QByteArray termCounts;  // index::packTermCounts of its terms, for term similarity
    int termTotal = 0;      // how many terms (with repeats) termCounts holds
    QByteArray vector;      // float32 embedding, L2-normalised
};

struct PreparedDocument {
    qint64 kbId = 0;
    QString name;
    QString path;
    QString title;
    QString contentHash;
    qint64 size = 0;
    QString embedder;
    int dimension = 0;
    qint64 vectorGeneration = 0; // of the knowledge base when its vectors were made
    QList<PreparedChunk> chunks;
};

struct WrittenDocument {
    qint64 documentId = 0;
    QList<qint64> chunkIds;        // ids of the new chunks, in order
    QList<qint64> removedChunkIds; // chunks of the version it replaced
};

// What search reads back to show a hit.
struct ChunkView {
    qint64 id = 0;
    QString document;
    QString path;
    QString content;
    int page = 0;
};

} // namespace rag::store
