#include "ingest/chunker.h"

#include "text/token_counter.h"

namespace rag::ingest {

namespace {
struct Piece {
    QString text;
    int page;
    int tokens;
};

// Cuts text that alone exceeds the budget at word boundaries into pieces within it.
void splitLongPiece(const QString &text, int page, int budget, QList<Piece> &out)
{
    QString current;
    int currentTokens = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        qsizetype j = i;
        while (j < text.size() && !text.at(j).isSpace())
            ++j;
        while (j < text.size() && text.at(j).isSpace())
            ++j;
        QString word = text.mid(i, j - i);
        int wordTokens = text::countTokens(word);
        // A "word" without spaces over budget (CJK text, long identifiers): cut by characters.
        while (wordTokens > budget) {
            qsizetype cut = word.size() * budget / wordTokens;
            cut = std::max<qsizetype>(cut, 1);
            if (cut < word.size() && word.at(cut).isLowSurrogate())
                --cut;
            if (!current.isEmpty()) {
                out.append({current, page, currentTokens});
                current.clear();
                currentTokens = 0;
            }
            const QString head = word.left(cut);
            out.append({head, page, text::countTokens(head)});
            word = word.mid(cut);
            wordTokens = text::countTokens(word);
        }
        if (currentTokens + wordTokens > budget && !current.isEmpty()) {
            out.append({current, page, currentTokens});
            current.clear();
            currentTokens = 0;
        }
        current += word;
        currentTokens += wordTokens;
        i = j;
    }
    if (!current.isEmpty())
        out.append({current, page, currentTokens});
}

QList<Piece> splitSections(const ParsedDocument &document, const ChunkerOptions &options)
{
    QList<Piece> pieces;
    for (const TextSection &section : document.sections) {
        qsizetype start = 0;
        const QString &text = section.text;
        for (qsizetype i = 0; i <= text.size(); ++i) {
            if (i < text.size() && !options.delimiters.contains(text.at(i)))
                continue;
            const qsizetype end = std::min(i + 1, text.size()); // the delimiter stays with its piece
            const QString piece = text.mid(start, end - start);
            start = end;
            const int tokens = text::countTokens(piece);
            if (tokens == 0 && piece.trimmed().isEmpty())
                continue;
            if (tokens > options.chunkTokens)
                splitLongPiece(piece, section.page, options.chunkTokens, pieces);
            else
                pieces.append({piece, section.page, tokens});
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

QList<TextChunk> chunkDocument(const ParsedDocument &document, const ChunkerOptions &options)
{
    QList<TextChunk> chunks;
    TextChunk current;
    bool hasNewText = false; // the current chunk holds more than the overlap it started with
    auto close = [&] {
        const QString trimmed = current.text.trimmed();
        if (hasNewText && !trimmed.isEmpty())
            chunks.append({trimmed, current.page, text::countTokens(trimmed)});
    };
    for (const Piece &piece : splitSections(document, options)) {
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
