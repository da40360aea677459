// The chunker (ingest/chunker) on any text with any options. Input: a byte giving the chunk size
// in tokens, a byte giving the delimiters and the overlap, then UTF-8 text whose form feeds
// separate pages. Without overlap, the chunks hold exactly the text's non-space characters in
// order, each chunk within its token budget.
#include "fuzz_support.h"

#include "ingest/chunker.h"
#include "text/token_counter.h"

using namespace rag::ingest;

namespace {

QString withoutSpaces(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (!c.isSpace())
            out.append(c);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    ChunkerOptions options;
    options.chunkTokens = 1 + data[0]; // 1 .. 256
    static const QString kDelimiters[] = {QStringLiteral("\n"), QStringLiteral("\n。！？；!?"), QString(),
                                          QStringLiteral(". ")};
    options.delimiters = kDelimiters[data[1] & 3];
    options.overlapPercent = (data[1] >> 2) < 32 ? 0 : ((data[1] >> 2) - 32) * 3; // 0, or 0 .. 93

    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    ParsedDocument document;
    const QStringList pages = text.split(u'\f');
    for (qsizetype i = 0; i < pages.size(); ++i)
        document.sections.append({pages.at(i), pages.size() > 1 ? int(i) + 1 : 0});

    const QList<TextChunk> chunks = chunkDocument(document, options);
    QString chunked;
    for (const TextChunk &chunk : chunks) {
        FUZZ_CHECK(!chunk.text.isEmpty());
        FUZZ_CHECK(chunk.text == chunk.text.trimmed());
        FUZZ_CHECK(chunk.tokenCount == rag::text::countTokens(chunk.text));
        FUZZ_CHECK(chunk.page >= 0 && chunk.page <= pages.size());
        FUZZ_CHECK((chunk.page == 0) == (pages.size() == 1));
        if (options.overlapPercent == 0)
            FUZZ_CHECK(chunk.tokenCount <= options.chunkTokens);
        chunked += chunk.text;
    }
    if (options.overlapPercent == 0)
        FUZZ_CHECK(withoutSpaces(chunked) == withoutSpaces(text)); // the form feeds are spaces too
    return 0;
}
