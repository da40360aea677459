#include "ingest/office_parsers.h"

#include <QFile>
#include <QXmlStreamReader>

#include <poppler-qt6.h>
#include <zip.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace rag::ingest {

Result<ParsedDocument> parsePdf(const QByteArray &bytes)
{
    if (!bytes.startsWith("%PDF-"))
        return fail(QStringLiteral("not a PDF file (no %PDF header)"));
    std::unique_ptr<Poppler::Document> pdf = Poppler::Document::loadFromData(bytes);
    if (!pdf)
        return fail(QStringLiteral("the PDF is damaged or unreadable"));
    if (pdf->isLocked())
        return fail(QStringLiteral("the PDF is password protected"));
    ParsedDocument doc;
    doc.title = pdf->info(QStringLiteral("Title")).trimmed();
    for (int i = 0; i < pdf->numPages(); ++i) {
        std::unique_ptr<Poppler::Page> page = pdf->page(i);
        if (!page)
            continue;
        // NFKC turns the ligatures PDF fonts use ("\uFB02") back into plain letters.
        doc.sections.append({page->text(QRectF()).normalized(QString::NormalizationForm_KC), i + 1});
    }
    if (!doc.hasText())
        return fail(QStringLiteral("the PDF has no extractable text (a scanned PDF needs OCR, which ragdesk does not do)"));
    return doc;
}

namespace {
struct ZipArchive {
    zip_t *archive = nullptr;
    ~ZipArchive()
    {
        if (archive)
            zip_discard(archive);
    }
};

// A small part read whole (docProps/core.xml): refused when it would be large.
Result<QByteArray> readZipEntry(zip_t *archive, const char *name)
{
    zip_stat_t stat;
    if (zip_stat(archive, name, 0, &stat) != 0)
        return fail(QStringLiteral("missing %1").arg(QString::fromLatin1(name)));
    constexpr zip_uint64_t kMaxEntry = 1024 * 1024;
    if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > kMaxEntry)
        return fail(QStringLiteral("%1 is too large").arg(QString::fromLatin1(name)));
    zip_file_t *file = zip_fopen(archive, name, 0);
    if (!file)
        return fail(QStringLiteral("cannot open %1 inside the archive").arg(QString::fromLatin1(name)));
    QByteArray data(qsizetype(stat.size), Qt::Uninitialized);
    const zip_int64_t read = zip_fread(file, data.data(), stat.size);
    zip_fclose(file);
    if (read != zip_int64_t(stat.size))
        return fail(QStringLiteral("%1 is damaged").arg(QString::fromLatin1(name)));
    return data;
}

struct ZipFile {
    zip_file_t *file = nullptr;
    ~ZipFile()
    {
        if (file)
            zip_fclose(file);
    }
};

// The text of WordprocessingML, inflated and parsed a piece at a time: only the text is kept, so
// memory follows what the document says, and a part that inflates beyond the compression ratio
// (a zip bomb) or holds too much text is refused as soon as it does.
Result<QString> documentText(zip_t *archive, const char *name, qint64 archiveBytes, const IngestLimits &limits)
{
    zip_stat_t stat;
    if (zip_stat(archive, name, 0, &stat) != 0)
        return fail(QStringLiteral("missing %1").arg(QString::fromLatin1(name)));
    // The sizes come from the file: a part cannot be stored in more bytes than the archive has.
    const qint64 stored = (stat.valid & ZIP_STAT_COMP_SIZE) ? qint64(std::min<zip_uint64_t>(stat.comp_size, zip_uint64_t(archiveBytes))) : 0;
    const qint64 ratio = std::max(1, limits.maxCompressionRatio);
    const qint64 maxInflated = std::max(IngestLimits::kRatioGraceBytes,
                                        stored > std::numeric_limits<qint64>::max() / ratio ? std::numeric_limits<qint64>::max() : stored * ratio);
    const QString bomb = QStringLiteral("%1 inflates more than %2 times its compressed size (the limit, --max-ratio): "
                                        "refused as a possible zip bomb")
                             .arg(QString::fromLatin1(name)).arg(limits.maxCompressionRatio);
    if ((stat.valid & ZIP_STAT_SIZE) && stat.size > zip_uint64_t(maxInflated))
        return fail(bomb);
    ZipFile file{zip_fopen(archive, name, 0)};
    if (!file.file)
        return fail(QStringLiteral("cannot open %1 inside the archive").arg(QString::fromLatin1(name)));

    QXmlStreamReader reader;
    QString text;
    int insideText = 0; // depth of w:t elements: their characters are the document's text
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    qint64 inflated = 0;
    qint64 runBytes = 0; // since the last '<' or '>'
    bool ended = false;
    while (true) {
        if (!ended) {
            const zip_int64_t read = zip_fread(file.file, buffer.data(), zip_uint64_t(buffer.size()));
            if (read < 0)
                return fail(QStringLiteral("%1 is damaged").arg(QString::fromLatin1(name)));
            inflated += read;
            if (inflated > maxInflated)
                return fail(bomb);
            if (read == 0) {
                ended = true;
            } else {
                // The reader holds a text or attribute run whole until it ends: a run longer than
                // the text limit is refused before it is handed over, not after it is held.
                for (zip_int64_t k = 0; k < read; ++k) {
                    const char c = buffer.at(qsizetype(k));
                    runBytes = (c == '<' || c == '>') ? 0 : runBytes + 1;
                }
                if (runBytes > limits.maxTextChars)
                    return fail(limits.textLimitError());
                reader.addData(QByteArray(buffer.constData(), qsizetype(read)));
            }
        }
        while (!reader.atEnd()) {
            reader.readNext();
            if (reader.isStartElement()) {
                const auto element = reader.qualifiedName();
                if (element == u"w:t")
                    ++insideText;
                else if (element == u"w:tab")
                    text.append(u'\t');
                else if (element == u"w:br" || element == u"w:cr")
                    text.append(u'\n');
            } else if (reader.isCharacters()) {
                if (insideText > 0)
                    text.append(reader.text());
            } else if (reader.isEndElement()) {
                const auto element = reader.qualifiedName();
                if (element == u"w:t")
                    insideText = std::max(0, insideText - 1);
                else if (element == u"w:p")
                    text.append(u'\n');
                else if (element == u"w:tc")
                    text.append(u'\t');
            }
            if (text.size() > limits.maxTextChars)
                return fail(limits.textLimitError());
        }
        const bool needsData = reader.error() == QXmlStreamReader::PrematureEndOfDocumentError;
        if (reader.hasError() && (!needsData || ended))
            return fail(QStringLiteral("the DOCX document XML is malformed: %1").arg(reader.errorString()));
        if (!reader.hasError() || ended)
            break; // the document element closed
    }
    return text;
}

QString coreTitle(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.qualifiedName() == u"dc:title")
            return reader.readElementText().trimmed();
    }
    return {};
}
} // namespace

Result<ParsedDocument> parseDocx(const QByteArray &bytes, const IngestLimits &limits)
{
    if (!bytes.startsWith("PK"))
        return fail(QStringLiteral("not a DOCX file (not a zip archive)"));
    zip_error_t zipError;
    zip_error_init(&zipError);
    zip_source_t *source = zip_source_buffer_create(bytes.constData(), zip_uint64_t(bytes.size()), 0, &zipError);
    if (!source) {
        zip_error_fini(&zipError);
        return fail(QStringLiteral("cannot read the DOCX archive"));
    }
    ZipArchive zip;
    zip.archive = zip_open_from_source(source, ZIP_RDONLY, &zipError);
    if (!zip.archive) {
        zip_source_free(source);
        const QString message = QString::fromUtf8(zip_error_strerror(&zipError));
        zip_error_fini(&zipError);
        return fail(QStringLiteral("the DOCX archive is damaged: %1").arg(message));
    }
    zip_error_fini(&zipError);
    if (zip_name_locate(zip.archive, "word/document.xml", 0) < 0)
        return fail(QStringLiteral("not a Word document: missing word/document.xml"));
    auto body = documentText(zip.archive, "word/document.xml", bytes.size(), limits);
    if (!body)
        return body.failure();
    ParsedDocument doc;
    doc.sections.append({std::move(*body), 0});
    if (auto core = readZipEntry(zip.archive, "docProps/core.xml"))
        doc.title = coreTitle(*core);
    return doc;
}

std::optional<qint64> docxDeclaredXmlBytes(const QString &path)
{
    int error = 0;
    ZipArchive zip;
    zip.archive = zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY, &error);
    zip_stat_t stat;
    if (!zip.archive || zip_stat(zip.archive, "word/document.xml", 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
        return std::nullopt;
    return qint64(std::min<zip_uint64_t>(stat.size, zip_uint64_t(std::numeric_limits<qint64>::max())));
}

} // namespace rag::ingest
