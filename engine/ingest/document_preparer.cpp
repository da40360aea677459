#include "ingest/document_preparer.h"

#include "index/term_counts.h"
#include "text/text_tokenizer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace rag::ingest {

Result<FileContent> readFile(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
    if (file.size() > maxBytes)
        return fail(QStringLiteral("the file is larger than %1 MiB (the limit, --max-file-mb)").arg(maxBytes / (1024 * 1024)));
    FileContent content;
    content.bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
    content.contentHash = QString::fromLatin1(QCryptographicHash::hash(content.bytes, QCryptographicHash::Sha256).toHex());
    return content;
}

store::PreparedDocument prepareDocument(const ParsedDocument &parsed, const ChunkerOptions &chunking,
                                        const index::BuiltinEmbedder *embedder, const std::atomic<bool> *cancelled)
{
    store::PreparedDocument document;
    document.title = parsed.title;
    if (embedder) {
        document.embedder = index::BuiltinEmbedder::name();
        document.dimension = index::BuiltinEmbedder::kDimension;
    }
    const QStringList titleTokens = text::tokenize(parsed.title);
    const QList<TextChunk> chunks = chunkDocument(parsed, chunking, cancelled);
    document.chunks.reserve(chunks.size());
    for (const TextChunk &chunk : chunks) {
        if (cancelled && cancelled->load(std::memory_order_relaxed))
            break;
        const QStringList tokens = text::tokenize(chunk.text);
        store::PreparedChunk prepared;
        prepared.content = chunk.text;
        prepared.page = chunk.page;
        prepared.tokenCount = chunk.tokenCount;
        // The title's terms are searchable in every chunk of the document, as in RAGFlow.
        prepared.ftsText = (titleTokens + tokens).join(u' ');
        prepared.termCounts = index::packTermCounts(titleTokens + tokens);
        prepared.termTotal = int(titleTokens.size() + tokens.size());
        if (embedder)
            prepared.vector = index::packVector(embedder->embedDocument(titleTokens, tokens));
        document.chunks.append(std::move(prepared));
    }
    return document;
}

} // namespace rag::ingest
