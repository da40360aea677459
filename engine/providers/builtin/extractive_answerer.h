// The built-in extractive answerer (docs/providers.md, "Built-in providers"): with no chat model,
// answer from the retrieved passages by selecting the sentences that best cover the question,
// without redundancy, each followed by its `[ID:i]` citation. Offline and deterministic.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace rag::providers {

struct ExtractedSentence {
    QString text;     // the sentence as written in the passage
    int passage = 0;  // index into the passages given, cited as [ID:passage]
    double score = 0; // coverage of the question's terms, after redundancy removal

    friend bool operator==(const ExtractedSentence &, const ExtractedSentence &) = default;
};

struct ExtractiveOptions {
    int maxSentences = 4;
    // Total length of the chosen sentences (citations not counted). When the best sentence alone
    // is longer, it is cut at a word boundary and ends in an ellipsis.
    int maxCharacters = 1200;
};

// Sentences in answer order (best first). Empty when no sentence shares a term with the question.
QList<ExtractedSentence> extractAnswer(const QString &question, const QStringList &passages,
                                       const ExtractiveOptions &options = {});

// The sentences joined into the answer text with their citations, e.g. "Otters sleep. [ID:0]".
QString formatExtractiveAnswer(const QList<ExtractedSentence> &sentences);

} // namespace rag::providers
