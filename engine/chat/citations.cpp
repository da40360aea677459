#include "chat/citations.h"

#include "index/builtin_embedder.h"
#include "text/function_words.h"
#include "text/text_tokenizer.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <utility>
#include <vector>

namespace rag::chat {

namespace {
// What the model wrote as a marker is compared with what the user sees: code is code, so a
// "[1]" in `a[1]` or in a fenced block is never a citation.
struct Span {
    enum Kind { Prose, InlineCode, Fenced } kind;
    qsizetype from;
    qsizetype to;
};

// Fenced code blocks as CommonMark has them: a line of 3+ backticks or tildes indented at most 3
// spaces opens one; a line of the same character, at least as long and with nothing after it,
// closes it; an unclosed fence runs to the end. Inline code: a backtick run closed by a run of
// the same length; an unmatched run is literal text.
QList<Span> splitCode(const QString &text)
{
    QList<Span> spans;
    auto add = [&](Span::Kind kind, qsizetype from, qsizetype to) {
        if (from >= to)
            return;
        if (!spans.isEmpty() && spans.last().kind == kind && spans.last().to == from)
            spans.last().to = to;
        else
            spans.append({kind, from, to});
    };
    static const QRegularExpression inlineCode(QStringLiteral(R"re((?<!`)(`++)[\s\S]*?(?<!`)\1(?!`))re"));
    auto addProse = [&](qsizetype from, qsizetype to) {
        for (auto it = inlineCode.globalMatch(QStringView(text).left(to), from); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            add(Span::Prose, from, m.capturedStart());
            add(Span::InlineCode, m.capturedStart(), m.capturedEnd());
            from = m.capturedEnd();
        }
        add(Span::Prose, from, to);
    };

    qsizetype proseFrom = 0;
    qsizetype codeFrom = -1;
    QChar fence;
    qsizetype fenceLength = 0;
    for (qsizetype pos = 0; pos < text.size();) {
        const qsizetype eol = text.indexOf(QLatin1Char('\n'), pos);
        const qsizetype lineEnd = eol < 0 ? text.size() : eol;
        const qsizetype next = eol < 0 ? text.size() : eol + 1;
        const QStringView line = QStringView(text).mid(pos, lineEnd - pos);
        qsizetype indent = 0;
        while (indent < line.size() && indent < 4 && line.at(indent) == QLatin1Char(' '))
            ++indent;
        const QChar c = indent < line.size() ? line.at(indent) : QChar();
        qsizetype run = 0;
        if (indent <= 3 && (c == QLatin1Char('`') || c == QLatin1Char('~')))
            while (indent + run < line.size() && line.at(indent + run) == c)
                ++run;
        const QStringView rest = run > 0 ? line.mid(indent + run) : QStringView();
        if (codeFrom < 0) {
            // A backtick fence's info string has no backtick: "```a``` b" is inline code.
            if (run >= 3 && !(c == QLatin1Char('`') && rest.contains(QLatin1Char('`')))) {
                addProse(proseFrom, pos);
                codeFrom = pos;
                fence = c;
                fenceLength = run;
            }
        } else if (c == fence && run >= fenceLength && rest.trimmed().isEmpty()) {
            add(Span::Fenced, codeFrom, next);
            codeFrom = -1;
            proseFrom = next;
        }
        pos = next;
    }
    if (codeFrom >= 0)
        add(Span::Fenced, codeFrom, text.size());
    else
        addProse(proseFrom, text.size());
    return spans;
}

bool isHorizontalSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QChar(0x3000);
}

// One alternative per family of marker; at one position the first alternative wins.
// - list: "[ID:1]", "[ID: 1]", "[id:1]", "[ID 1]", "(ID:1)", "【ID:1】", "（ID:1）", "[ID:1, ID:2]",
//   "[ID:1,2]"; the brackets are checked to pair up in code.
// - old: "##1$$", RAGFlow's former protocol.
// - num: "[1]". It is a citation unless it can be markdown: "[1](url)" is an inline link and
//   "[1]" whose label is defined ("[1]: url" on a line of its own) is a reference link or the
//   definition. After a letter or digit ("x[1]") it reads as indexing and is left alone. Lists
//   ("[0, 1]") are not taken: they are as likely intervals or arrays as citations.
// - bare: "ID:1" / "ID: 1", upper case, after a space or punctuation.
const QRegularExpression &markerPattern()
{
    static const QRegularExpression pattern(QStringLiteral(
        R"re((?<list>(?<open>[\[(【（])\s*(?i:id)\s*[:：]?\s*[0-9]+)re"
        R"re((?:(?:\s*[,，;；、]\s*|\s+)(?:(?i:id)\s*[:：]?\s*)?[0-9]+)*\s*(?<close>[\])】）])))re"
        R"re(|##\s*(?<old>[0-9]+)\s*\$\$)re"
        R"re(|(?<![\p{L}\p{N}_])\[(?<num>[0-9]+)\](?!\())re"
        R"re(|(?<![\p{L}\p{N}_\[(【（#$])ID[:：] ?(?<bare>[0-9]+)(?![\p{L}\p{N}_])(?!\.[0-9]))re"));
    return pattern;
}

// Labels of markdown link reference definitions ("[1]: https://..."), which make "[1]" a link.
QSet<QString> definedLinkLabels(const QString &text)
{
    static const QRegularExpression definition(QStringLiteral(R"(^ {0,3}\[([0-9]+)\]:)"),
                                               QRegularExpression::MultilineOption);
    QSet<QString> labels;
    for (auto it = definition.globalMatch(text); it.hasNext();)
        labels.insert(it.next().captured(1));
    return labels;
}

// The ids a marker names, in order, without duplicates; a number too large for an int counts
// as out of range.
QList<int> idsIn(QStringView marker, int passageCount)
{
    static const QRegularExpression number(QStringLiteral("[0-9]+"));
    QList<int> ids;
    for (auto it = number.globalMatch(marker); it.hasNext();) {
        bool ok = false;
        const int id = it.next().capturedView().toInt(&ok);
        if (ok && id >= 0 && id < passageCount && !ids.contains(id))
            ids.append(id);
    }
    return ids;
}

// Appends prose[from, to) with its markers repaired to `out`.
void repairProse(const QString &text, qsizetype from, qsizetype to, int passageCount,
                 const QSet<QString> &linkLabels, QString &out)
{
    qsizetype copied = from;
    // Matched in text[0, to): lookbehinds see what precedes the span, no match runs past it.
    auto it = markerPattern().globalMatch(QStringView(text).left(to), from);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const qsizetype open = QStringView(u"[(【（").indexOf(m.capturedView(QStringLiteral("open")));
        if (m.hasCaptured(QStringLiteral("list")) && open != QStringView(u"])】）").indexOf(m.capturedView(QStringLiteral("close"))))
            continue; // "[ID:1)"
        if (m.hasCaptured(QStringLiteral("num")) && linkLabels.contains(m.captured(QStringLiteral("num"))))
            continue;
        const QList<int> ids = idsIn(m.capturedView(), passageCount);
        // "user ID: 42" may just be prose: a bare form is only taken when it names a passage.
        if (m.hasCaptured(QStringLiteral("bare")) && ids.isEmpty())
            continue;
        out += QStringView(text).mid(copied, m.capturedStart() - copied);
        copied = m.capturedEnd();
        if (!ids.isEmpty()) {
            for (int id : ids)
                out += QStringLiteral("[ID:%1]").arg(id);
            continue;
        }
        // Removed with the space that set it apart: "hands [ID:9]." -> "hands.",
        // "a [ID:9] b" -> "a b", "[ID:9] Otters" at a line start -> "Otters".
        const bool spaceBefore = !out.isEmpty() && isHorizontalSpace(out.back());
        const bool spaceAfter = copied < to && isHorizontalSpace(text.at(copied));
        const bool wordAfter = copied < to && text.at(copied).isLetterOrNumber();
        if (spaceBefore && !wordAfter) {
            while (!out.isEmpty() && isHorizontalSpace(out.back()))
                out.chop(1);
        } else if (!spaceBefore && spaceAfter && (out.isEmpty() || out.back() == QLatin1Char('\n'))) {
            while (copied < to && isHorizontalSpace(text.at(copied)))
                ++copied;
        }
    }
    out += QStringView(text).mid(copied, to - copied);
}

// --- insertCitations ---

struct Features {
    QSet<QString> terms;
    std::vector<float> vector;
};

// Term overlap carries most of the score: a sentence restating a passage shares its words. The
// embedding cosine (character trigrams) adds credit for other word forms and paraphrase.
constexpr double kOverlapWeight = 0.7;
constexpr double kCosineWeight = 0.3;
// RAGFlow cites every passage within 1% of the best one for a sentence.
constexpr double kTieShare = 0.99;

double similarity(const QStringList &sentenceTerms, const std::vector<float> &sentenceVector, const Features &passage)
{
    double total = 0;
    double found = 0;
    for (const QString &term : sentenceTerms) {
        const double weight = text::isFunctionWord(term) ? text::kFunctionWordWeight : 1.0;
        total += weight;
        if (passage.terms.contains(term))
            found += weight;
    }
    const double overlap = total > 0 ? found / total : 0;
    const double cosine = index::dot(sentenceVector.data(), passage.vector.data(), index::BuiltinEmbedder::kDimension);
    return kOverlapWeight * overlap + kCosineWeight * std::max(0.0, cosine);
}

constexpr QStringView kTerminal = u".!?;:…。！？；：";   // what a citation goes before
constexpr QStringView kSentenceEnd = u".!?。！？";
constexpr QStringView kCjkSentenceEnd = u"。！？";
constexpr QStringView kClosingMarks = u"\"')]}»”’」』）】";

// " [ID:i]" for the passages that back the sentence, best first, at most `max`. A passage is
// a candidate when its similarity reaches the threshold; after the best one, a candidate is only
// cited when it backs a content term the ones already cited do not ("otters hold hands and have
// dense fur": two passages), or, as RAGFlow does, ties with the best (a duplicated passage). A
// topic-level match ("sea otters ...") would otherwise trail every sentence as a second source.
// Empty for a sentence of function words only ("Yes.", "It is."): nothing a passage could back.
QString markersFor(QStringView sentence, const std::vector<Features> &passages, double threshold, int max)
{
    QStringList terms = text::tokenize(sentence);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    QStringList content = terms;
    content.removeIf([](const QString &t) { return text::isFunctionWord(t); });
    if (content.isEmpty())
        return {};
    const std::vector<float> vector = index::BuiltinEmbedder().embed(sentence);
    QList<QPair<double, int>> scored;
    for (size_t i = 0; i < passages.size(); ++i) {
        const double score = similarity(terms, vector, passages[i]);
        if (score >= threshold)
            scored.append({score, int(i)});
    }
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    QString markers;
    QSet<QString> backed;
    int cited = 0;
    for (const auto &[score, id] : scored) {
        if (cited >= max)
            break;
        const QSet<QString> &passageTerms = passages[size_t(id)].terms;
        const bool addsTerms = std::any_of(content.cbegin(), content.cend(), [&](const QString &t) {
            return !backed.contains(t) && passageTerms.contains(t);
        });
        if (cited > 0 && !addsTerms && score < kTieShare * scored.first().first)
            continue;
        for (const QString &t : content)
            if (passageTerms.contains(t))
                backed.insert(t);
        markers += QStringLiteral(" [ID:%1]").arg(id);
        ++cited;
    }
    return markers;
}

// A period after a single letter ("J.", "e.g.") or a dotted word does not end a sentence.
bool endsAbbreviation(const QString &text, qsizetype dot, qsizetype from)
{
    qsizetype start = dot;
    while (start > from && (text.at(start - 1).isLetter() || text.at(start - 1) == QLatin1Char('.')))
        --start;
    const QStringView word = QStringView(text).mid(start, dot - start);
    return word.size() == 1 || word.contains(QLatin1Char('.'));
}

// Sentences of the text between two fenced blocks, as [from, to) ranges. They end at a newline,
// at 。！？ (CJK puts no space after them), or at .!? followed by whitespace (not "3.5", "node.js"
// nor "e.g. this"). Nothing inside inline code ends a sentence.
QList<QPair<qsizetype, qsizetype>> splitSentences(const QString &text, const QList<Span> &spans)
{
    QList<QPair<qsizetype, qsizetype>> sentences;
    if (spans.isEmpty())
        return sentences;
    const qsizetype to = spans.last().to;
    qsizetype start = spans.first().from;
    qsizetype span = 0;
    for (qsizetype i = start; i < to; ++i) {
        while (spans.at(span).to <= i)
            ++span;
        if (spans.at(span).kind == Span::InlineCode) {
            i = spans.at(span).to - 1;
            continue;
        }
        const QChar c = text.at(i);
        qsizetype end = -1;
        if (c == QLatin1Char('\n')) {
            end = i;
        } else if (kSentenceEnd.contains(c)) {
            qsizetype j = i + 1;
            while (j < to && (kSentenceEnd.contains(text.at(j)) || kClosingMarks.contains(text.at(j))))
                ++j;
            const bool cjk = kCjkSentenceEnd.contains(c);
            const bool spaceAfter = j >= to || text.at(j).isSpace();
            const bool singlePeriod = c == QLatin1Char('.') && j == i + 1;
            if (cjk || (spaceAfter && !(singlePeriod && endsAbbreviation(text, i, start))))
                end = j;
            i = j - 1;
        }
        if (end >= 0)
            sentences.append({std::exchange(start, end), end});
    }
    sentences.append({start, to});
    return sentences;
}
} // namespace

QString repairCitations(const QString &answer, int passageCount)
{
    const QSet<QString> linkLabels = definedLinkLabels(answer);
    QString out;
    out.reserve(answer.size());
    for (const Span &span : splitCode(answer)) {
        if (span.kind == Span::Prose)
            repairProse(answer, span.from, span.to, passageCount, linkLabels, out);
        else
            out += QStringView(answer).mid(span.from, span.to - span.from);
    }
    return out;
}

QList<int> citedIds(const QString &answer)
{
    static const QRegularExpression marker(QStringLiteral(R"(\[ID:([0-9]+)\])"));
    QList<int> ids;
    for (const Span &span : splitCode(answer)) {
        if (span.kind != Span::Prose)
            continue;
        const QStringView prose = QStringView(answer).mid(span.from, span.to - span.from);
        for (auto it = marker.globalMatch(prose); it.hasNext();) {
            bool ok = false;
            const int id = it.next().capturedView(1).toInt(&ok);
            if (ok && !ids.contains(id))
                ids.append(id);
        }
    }
    return ids;
}

QString insertCitations(const QString &answer, const QStringList &passages, double threshold, int maxPerSentence)
{
    if (passages.isEmpty() || maxPerSentence <= 0)
        return answer;
    std::vector<Features> features;
    features.reserve(size_t(passages.size()));
    for (const QString &passage : passages) {
        const QStringList terms = text::tokenize(passage);
        features.push_back({QSet<QString>(terms.begin(), terms.end()), index::BuiltinEmbedder().embedTokens(terms)});
    }

    // Runs of prose and inline code between fenced blocks; fenced blocks are never cited.
    QList<QList<Span>> regions(1);
    for (const Span &span : splitCode(answer)) {
        if (span.kind == Span::Fenced)
            regions.append(QList<Span>());
        else
            regions.last().append(span);
    }

    QList<QPair<qsizetype, QString>> insertions; // position in answer, marker text; ascending
    for (const QList<Span> &region : regions) {
        for (const auto &[from, to] : splitSentences(answer, region)) {
            const QStringView sentence = QStringView(answer).mid(from, to - from).trimmed();
            const qsizetype start = sentence.data() - answer.constData();
            const qsizetype end = start + sentence.size();
            // Headings are titles, a marker would break a table row, cited sentences are done.
            if (sentence.isEmpty() || sentence.startsWith(QLatin1Char('#')) || sentence.startsWith(QLatin1Char('|')) ||
                sentence.contains(QLatin1String("[ID:")))
                continue;
            const QString markers = markersFor(sentence, features, threshold, maxPerSentence);
            if (markers.isEmpty())
                continue;
            // Before the final punctuation, as RAGFlow places them: "hold hands [ID:1]."
            qsizetype at = end;
            while (at > start && kTerminal.contains(answer.at(at - 1)))
                --at;
            if (at == start)
                continue;
            insertions.append({at, markers});
        }
    }

    QString out = answer;
    for (auto it = insertions.crbegin(); it != insertions.crend(); ++it) // back to front: positions hold
        out.insert(it->first, it->second);
    return out;
}

} // namespace rag::chat
