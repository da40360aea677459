// RAGFlow's citation protocol: an answer cites passage i as [ID:i]. Models get it wrong in many
// ways ("[ID: 1]", "(ID:1)", "【ID:1】", "[ID:1, ID:2]", "[1]", "ID:1" bare, out-of-range ids):
// repairCitations() normalises what can be understood and drops what cannot. When a model cites
// nothing, insertCitations() adds them by sentence similarity to the passages.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace rag::chat {

// Every marker rewritten to "[ID:i]" with 0 <= i < passageCount ("[ID:1, ID:2]" becomes
// "[ID:1][ID:2]"); markers naming no passage are removed with the space before them. Code (fenced
// blocks, inline spans) is left as is. "[1]" counts unless markdown makes it a link ("[1](url)",
// or a "[1]: url" definition exists) or it follows a letter or digit ("x[1]"); "[0, 1]" is left
// alone (an interval as likely as a citation list); a bare "ID:42" naming no passage stays prose.
QString repairCitations(const QString &answer, int passageCount);

// The distinct ids cited, in order of first appearance (on a repaired answer).
QList<int> citedIds(const QString &answer);

// For an answer without citations: each sentence similar enough to a passage (0.7 * share of its
// terms, function words damped, found in the passage + 0.3 * built-in embedding cosine, >=
// threshold) gets " [ID:i]", best first, at most maxPerSentence; a further passage is only cited
// when it backs a term the earlier ones do not, or ties with the best. As RAGFlow places them,
// markers go before the sentence's final punctuation: "Otters hold hands [ID:1]." Code blocks,
// headings, table rows and sentences that already cite are left alone. Deterministic.
QString insertCitations(const QString &answer, const QStringList &passages, double threshold = 0.3,
                        int maxPerSentence = 2);

} // namespace rag::chat
