#include "ingest/office_parsers.h"

#include <QXmlStreamReader>

#include <poppler-qt6.h>
#include <zip.h>

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

Result<QByteArray> readZipEntry(zip_t *archive, const char *name)
{
    zip_stat_t stat;
    if (zip_stat(archive, name, 0, &stat) != 0)
        return fail(QStringLiteral("missing %1").arg(QString::fromLatin1(name)));
    constexpr zip_uint64_t kMaxEntry = 256u * 1024 * 1024;
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

QString documentXmlToText(const QByteArray &xml, QString *error)
{
    QXmlStreamReader reader(xml);
    QString text;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            const auto name = reader.qualifiedName();
            if (name == u"w:t")
                text.append(reader.readElementText());
            else if (name == u"w:tab")
                text.append(u'\t');
            else if (name == u"w:br" || name == u"w:cr")
                text.append(u'\n');
        } else if (reader.isEndElement()) {
            const auto name = reader.qualifiedName();
            if (name == u"w:p")
                text.append(u'\n');
            else if (name == u"w:tc")
                text.append(u'\t');
        }
    }
    if (reader.hasError())
        *error = reader.errorString();
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

Result<ParsedDocument> parseDocx(const QByteArray &bytes)
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
    auto body = readZipEntry(zip.archive, "word/document.xml");
    if (!body)
        return fail(QStringLiteral("not a Word document: %1").arg(body.error()));
    QString xmlError;
    ParsedDocument doc;
    doc.sections.append({documentXmlToText(*body, &xmlError), 0});
    if (!xmlError.isEmpty())
        return fail(QStringLiteral("the DOCX document XML is malformed: %1").arg(xmlError));
    if (auto core = readZipEntry(zip.archive, "docProps/core.xml"))
        doc.title = coreTitle(*core);
    return doc;
}

} // namespace rag::ingest
