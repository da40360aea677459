// The DOCX reader (ingest/office_parsers, through document_parser): the zip container and the
// WordprocessingML inside it. Two kinds of input, told apart by their first bytes:
// - a zip ("PK"): the file itself, so the zip structure is fuzzed (the seeds are real .docx files);
// - anything else: word/document.xml, and after a NUL docProps/core.xml, packed here into a valid
//   zip (deflated when the input's length is odd, else stored), so that the XML reading is fuzzed
//   past the zip's checksums.
// Any file may be refused with a reason, none may crash.
#include "fuzz_support.h"

#include "ingest/document_parser.h"
#include "ingest/office_parsers.h"

#include <zip.h>

#include <cstdio>

using namespace rag::ingest;

namespace {

struct Entry {
    const char *name;
    QByteArray data;
};

// A zip archive holding the entries, in memory; empty if libzip refuses.
QByteArray makeZip(const QList<Entry> &entries, bool deflate)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_error_fini(&error);
    if (!buffer)
        return {};
    zip_source_keep(buffer); // zip_close() would free it; its bytes are the result
    QByteArray out;
    zip_t *archive = zip_open_from_source(buffer, ZIP_TRUNCATE, nullptr);
    if (archive) {
        bool added = true;
        for (const Entry &entry : entries) {
            zip_source_t *source = zip_source_buffer(archive, entry.data.constData(), zip_uint64_t(entry.data.size()), 0);
            const zip_int64_t index = source ? zip_file_add(archive, entry.name, source, ZIP_FL_OVERWRITE) : -1;
            if (index < 0) {
                zip_source_free(source);
                added = false;
                break;
            }
            zip_set_file_compression(archive, zip_uint64_t(index), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
        }
        if (!added || zip_close(archive) != 0) {
            zip_discard(archive);
        } else if (zip_source_open(buffer) == 0) {
            zip_source_seek(buffer, 0, SEEK_END);
            const zip_int64_t size = zip_source_tell(buffer);
            zip_source_seek(buffer, 0, SEEK_SET);
            if (size > 0) {
                out.resize(qsizetype(size));
                if (zip_source_read(buffer, out.data(), zip_uint64_t(size)) != size)
                    out.clear();
            }
            zip_source_close(buffer);
        }
    }
    zip_source_free(buffer);
    return out;
}

void check(const QByteArray &docx)
{
    const auto parsed = parseDocx(docx);
    if (!parsed) {
        FUZZ_CHECK(!parsed.error().isEmpty());
    } else {
        FUZZ_CHECK(parsed->sections.size() == 1);
        FUZZ_CHECK(parsed->title == parsed->title.trimmed());
    }
    const auto document = parseDocument(QStringLiteral("report.docx"), docx);
    FUZZ_CHECK(document.ok() == (parsed.ok() && parsed->hasText()));
    if (document)
        FUZZ_CHECK(!document->title.isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    if (bytes.startsWith("PK")) {
        check(bytes);
        return 0;
    }
    const qsizetype nul = bytes.indexOf('\0');
    QList<Entry> entries{{"[Content_Types].xml", QByteArray("<Types/>")},
                         {"word/document.xml", nul < 0 ? bytes : bytes.left(nul)}};
    if (nul >= 0)
        entries.append({"docProps/core.xml", bytes.mid(nul + 1)});
    const QByteArray docx = makeZip(entries, size % 2 == 1);
    FUZZ_CHECK(!docx.isEmpty());
    check(docx);
    return 0;
}
