// What a parser hands to the chunker: a title and the text in order, with page numbers where the
// format has pages.
#pragma once

#include <QList>
#include <QString>

namespace rag::ingest {

struct TextSection {
    QString text;
    int page = 0; // 1-based; 0 when the format has no pages
};

struct ParsedDocument {
    QString title;
    QList<TextSection> sections;

    bool hasText() const
    {
        for (const TextSection &section : sections) {
            for (QChar c : section.text) {
                if (!c.isSpace())
                    return true;
            }
        }
        return false;
    }
};

} // namespace rag::ingest
