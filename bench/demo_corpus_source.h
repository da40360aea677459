// The demo documents (resources/demo) read as the corpus generator needs them: each file a topic
// of sections, each section its passages (prose paragraphs, list items, verbatim blocks) and
// sentences, parsed with the engine's own parsers so HTML, CSV and Markdown read as ingestion
// reads them.
#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace rag::bench {

struct Block {
    enum Kind { Prose, List, Verbatim } kind;
    QString text; // Prose: one paragraph; List: one item per line; Verbatim: lines as they were
};
struct Section {
    QString heading;
    QList<Block> blocks;
    QStringList sentences;
};
struct Topic {
    QString title, slug;
    QList<Section> sections;
    QStringList sentences;
    // Section numbers, each once per passage plus once: picking from this weights a section by
    // its size, so a heading with one sentence is not repeated as often as one with a page.
    QList<int> tickets;
};

// Every file under resources/demo is one topic; an error names the file that could not be read.
Result<Topic> loadTopic(const QString &path);
// A paragraph cut after ., ! or ? where the next sentence starts.
QStringList splitSentences(const QString &paragraph);

} // namespace rag::bench
