#include "support/fixtures.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

#include <zip.h>

namespace rag::test {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray binaryBlob(int size)
{
    QByteArray blob(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        blob[i] = char(i % 256);
    return blob;
}

bool writePdf(const QString &path, const QStringList &pages, const QString &title)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(72);
    if (!title.isEmpty())
        writer.setTitle(title);
    QPainter painter(&writer);
    if (!painter.isActive())
        return false;
    QFont font = painter.font();
    font.setPointSize(11);
    painter.setFont(font);
    for (qsizetype i = 0; i < pages.size(); ++i) {
        if (i > 0)
            writer.newPage();
        painter.drawText(QRect(40, 40, 500, 760), Qt::TextWordWrap, pages.at(i));
    }
    return painter.end();
}

static QByteArray xmlEscape(const QString &text)
{
    return text.toHtmlEscaped().toUtf8();
}

bool writeDocx(const QString &path, const QStringList &paragraphs, const QString &title)
{
    QByteArray body = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
    for (const QString &paragraph : paragraphs)
        body += "<w:p><w:r><w:t xml:space=\"preserve\">" + xmlEscape(paragraph) + "</w:t></w:r></w:p>";
    body += "</w:body></w:document>";
    return writeDocxXml(path, body, title);
}

bool writeDocxXml(const QString &path, const QByteArray &body, const QString &title)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile::remove(path);
    int error = 0;
    zip_t *zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip)
        return false;
    const QByteArray contentTypes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        "</Types>";
    const QByteArray core = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties "
                            "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>"
        + xmlEscape(title) + "</dc:title></cp:coreProperties>";
    // libzip reads the buffers at zip_close, so they must outlive it.
    const QList<QPair<const char *, const QByteArray *>> entries = {
        {"[Content_Types].xml", &contentTypes}, {"word/document.xml", &body}, {"docProps/core.xml", &core}};
    for (const auto &[name, data] : entries) {
        zip_source_t *source = zip_source_buffer(zip, data->constData(), zip_uint64_t(data->size()), 0);
        if (!source || zip_file_add(zip, name, source, ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(source);
            zip_discard(zip);
            return false;
        }
    }
    return zip_close(zip) == 0;
}

} // namespace rag::test
