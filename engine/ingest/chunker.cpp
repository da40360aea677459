#include "ingest/chunker.h"

#include "text/token_counter.h"

namespace rag::ingest {

namespace {
struct Piece {
    QString text;
    int page;
    int tokens;
};

bool isSet(const std::atomic<bool> *flag)
{
    return flag && flag->load(std::memory_order_relaxed);
}

// Cuts text that alone exceeds the budget at word boundaries into pieces within it. A "word"
// without spaces over the budget (CJK text, long identifiers, a file with no whitespace at all)
// is cut where its prefix reaches the budget: each cut reads only what it keeps, so the whole is
// one pass however long the word.
void splitLongPiece(QStringView text, int page, int budget, const std::atomic<bool> *cancelled, QList<Piece> &out)
{
    QString current;
    int currentTokens = 0;
    auto flush = [&] {
        if (!current.isEmpty())
            out.append({current, page, currentTokens});
        current.clear();
        currentTokens = 0;
    };
    qsizetype i = 0;
    while (i < text.size()) {
        qsizetype j = i;
        while (j < text.size() && !text.at(j).isSpace())
            ++j;
        while (j < text.size() && text.at(j).isSpace())
            ++j;
        QStringView word = text.sliced(i, j - i);
        i = j;
        for (qsizetype cut = text::tokenPrefixLength(word, budget); cut < word.size();
             cut = text::tokenPrefixLength(word, budget)) {
            if (isSet(cancelled))
                return;
            flush();
            const QStringView head = word.first(std::max<qsizetype>(cut, 1));
            out.append({head.toString(), page, text::countTokens(head)});
            word = word.sliced(head.size());
        }
        const int wordTokens = text::countTokens(word);
        if (currentTokens + wordTokens > budget) {
            if (isSet(cancelled))
                return;
            flush();
        }
        current += word;
        currentTokens += wordTokens;
    }
    flush();
}

QList<Piece> splitSections(const ParsedDocument &document, const ChunkerOptions &options,
                           const std::atomic<bool> *cancelled)
{
    QList<Piece> pieces;
    for (const TextSection &section : document.sections) {
        qsizetype start = 0;
        const QString &text = section.text;
        for (qsizetype i = 0; i <= text.size(); ++i) {
            if (i < text.size() && !options.delimiters.contains(text.at(i)))
                continue;
            if (isSet(cancelled))
                return pieces;
            const qsizetype end = std::min(i + 1, text.size()); // the delimiter stays with its piece
            const QStringView piece = QStringView(text).sliced(start, end - start);
            start = end;
            const int tokens = text::countTokens(piece);
            if (tokens == 0 && piece.trimmed().isEmpty())
                continue;
            if (tokens > options.chunkTokens)
                splitLongPiece(piece, section.page, options.chunkTokens, cancelled, pieces);
            else
                pieces.append({piece.toString(), section.page, tokens});
        }
        // Sections (pages) end with a line break so pieces of two pages do not run together.
        if (!pieces.isEmpty() && !pieces.last().text.endsWith(u'\n'))
            pieces.last().text.append(u'\n');
    }
    return pieces;
}

// The last overlapPercent of a chunk's text, starting at a word boundary.
QString overlapTail(const QString &text, int overlapPercent)
{
    if (overlapPercent <= 0)
        return {};
    qsizetype from = text.size() - text.size() * overlapPercent / 100;
    while (from < text.size() && from > 0 && !text.at(from - 1).isSpace())
        ++from;
    return text.mid(from);
}
} // namespace

QList<TextChunk> chunkDocument(const ParsedDocument &document, const ChunkerOptions &options,
                               const std::atomic<bool> *cancelled)
{
    QList<TextChunk> chunks;
    TextChunk current;
    bool hasNewText = false; // the current chunk holds more than the overlap it started with
    auto close = [&] {
        const QString trimmed = current.text.trimmed();
        if (hasNewText && !trimmed.isEmpty())
            chunks.append({trimmed, current.page, text::countTokens(trimmed)});
    };
    for (const Piece &piece : splitSections(document, options, cancelled)) {
        if (isSet(cancelled))
            return chunks;
        if (hasNewText && current.tokenCount + piece.tokens > options.chunkTokens) {
            close();
            const QString tail = overlapTail(current.text, options.overlapPercent);
            current = {tail, piece.page, text::countTokens(tail)};
            hasNewText = false;
        }
        if (!hasNewText && current.text.trimmed().isEmpty())
            current.page = piece.page;
        current.text += piece.text;
        current.tokenCount += piece.tokens;
        hasNewText = true;
    }
    close();
    return chunks;
}

} // namespace rag::ingest
