// Steps 1a-1c of Porter's stemmer (plurals, -ed, -ing, final -y), so "folders" finds "folder"
// and "ingesting" finds "ingest". The later steps (-ational, -ness, ...) conflate too much for
// search. Applied to lowercase ASCII words only; other scripts pass through unchanged.
#pragma once

#include <QString>

namespace rag::text {

QString stemEnglish(const QString &word);
void stemEnglishInPlace(QString &word);

} // namespace rag::text
