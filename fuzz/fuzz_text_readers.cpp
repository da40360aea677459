// The readers of text files (ingest/text_parsers, text_decoder, document_parser): plain text,
// Markdown, HTML and CSV, and the decoder under them (UTF-8, UTF-16 with a BOM, Windows-1252,
// binary refused). Input: a byte choosing the reader, then the file's bytes.
// Any file may be refused with a reason, none may crash; what is read keeps the readers' shape.
#include "fuzz_support.h"

#include "ingest/document_parser.h"
#include "ingest/text_decoder.h"
#include "ingest/text_parsers.h"

using namespace rag::ingest;

namespace {

// htmlToText collapses the whitespace HTML ignores and keeps one line break per block.
void checkHtmlText(const QString &text)
{
    FUZZ_CHECK(text == text.trimmed());
    FUZZ_CHECK(!text.contains(QStringLiteral("\n\n")));
    FUZZ_CHECK(!text.contains(QStringLiteral("  ")));
}

void checkParsed(const rag::Result<ParsedDocument> &parsed)
{
    if (!parsed) {
        FUZZ_CHECK(!parsed.error().isEmpty());
        return;
    }
    FUZZ_CHECK(parsed->sections.size() == 1);
    FUZZ_CHECK(parsed->sections.first().page == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 7) {
    case 0: {
        // Decoded text is valid UTF-16, whatever the bytes: the readers' regular expressions
        // silently match nothing in a string with an unpaired surrogate. A NUL in the first 64 KiB
        // (what the binary probe reads) means binary, unless the file is UTF-16.
        const auto text = decodeText(bytes);
        FUZZ_CHECK(!text || QStringView(*text).isValidUtf16());
        FUZZ_CHECK(!text || !bytes.left(64 * 1024).contains('\0') || bytes.startsWith("\xFF\xFE")
                   || bytes.startsWith("\xFE\xFF"));
        checkParsed(parsePlainText(bytes));
        break;
    }
    case 1:
        checkParsed(parseMarkdown(bytes));
        break;
    case 2: {
        const auto html = parseHtml(bytes);
        checkParsed(html);
        if (html) {
            checkHtmlText(html->sections.first().text);
            FUZZ_CHECK(html->title == html->title.simplified());
        }
        break;
    }
    case 3:
        checkParsed(parseCsv(bytes));
        break;
    case 4: {
        // HTML as any UTF-16 a decoder may hand over: these units, an unpaired surrogate made U+FFFD.
        QString html = QString::fromUtf16(reinterpret_cast<const char16_t *>(bytes.constData()), bytes.size() / 2);
        for (qsizetype i = 0; i < html.size(); ++i) {
            if (html.at(i).isHighSurrogate() && i + 1 < html.size() && html.at(i + 1).isLowSurrogate())
                ++i;
            else if (html.at(i).isSurrogate())
                html[i] = QChar::ReplacementCharacter;
        }
        QString title;
        checkHtmlText(htmlToText(html, &title));
        FUZZ_CHECK(title == title.simplified());
        break;
    }
    default: {
        // Through the extension, as ingestion picks the reader; the title falls back to the name.
        static const char *const kNames[] = {"notes.txt", "notes.md", "page.html", "table.csv"};
        const auto parsed = parseDocument(QString::fromLatin1(kNames[(data[0] / 7) % 4]), bytes);
        if (parsed) {
            FUZZ_CHECK(parsed->hasText());
            FUZZ_CHECK(!parsed->title.isEmpty());
        }
        break;
    }
    }
    return 0;
}
