// Real files for tests: PDFs written by Qt's PDF writer, DOCX archives written with libzip,
// and plain files with given bytes.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rag::test {

// One page per entry of `pages`.
bool writePdf(const QString &path, const QStringList &pages, const QString &title = {});
// One Word paragraph per entry of `paragraphs`.
bool writeDocx(const QString &path, const QStringList &paragraphs, const QString &title = {});
// A DOCX whose word/document.xml is `documentXml` as given, well-formed or not.
bool writeDocxXml(const QString &path, const QByteArray &documentXml, const QString &title = {});
bool writeFile(const QString &path, const QByteArray &bytes);
QByteArray binaryBlob(int size = 16384);

} // namespace rag::test
