// What one ingestion may take from the machine, whatever its files hold (docs/reliability.md,
// "Ingestion"): limits that refuse a file with a clear error, and a memory budget that decides
// how many files are prepared at once.
#pragma once

#include <QString>
#include <QtGlobal>

namespace rag::ingest {

struct IngestLimits {
    static constexpr qint64 kMiB = 1024 * 1024;
    // A compressed part may inflate this much before its ratio is judged: small parts of a
    // document compress far better than the whole does.
    static constexpr qint64 kRatioGraceBytes = 4 * kMiB;

    qint64 maxFileBytes = 256 * kMiB; // a file's size on disk
    qint64 maxTextChars = 256 * kMiB; // the text extracted from one file, in UTF-16 characters
    // A compressed part (a DOCX's XML) may inflate to at most this many times its stored size.
    // Word's own files stay under 20; a zip bomb inflates hundreds or thousands of times.
    int maxCompressionRatio = 100;
    // The estimated peak memory of the files prepared at once (estimatedPreparationBytes); a
    // file larger than the whole budget is prepared alone.
    qint64 memoryBudgetBytes = 1024 * kMiB;

    QString textLimitError() const; // a file past maxTextChars
};

// What preparing a file is expected to take at its peak: its bytes, its decoded text, the chunks,
// their terms and vectors (about 12 times a text file's size, measured in bench/RESULTS.md). A
// DOCX is judged by the size its XML declares; a PDF's text is smaller than the file. At most
// the whole budget; 0 for a file the limits refuse before reading it.
qint64 estimatedPreparationBytes(const QString &path, qint64 fileBytes, const IngestLimits &limits);

} // namespace rag::ingest
