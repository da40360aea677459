#include "providers/builtin/extractive_answerer.h"

#include "text/function_words.h"
#include "text/text_tokenizer.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <vector>

namespace rag::providers {

namespace {
// Passages arrive ranked: the first one earns up to this much more, enough to break near-ties
// in its favour, not enough to beat a sentence that covers the question clearly better.
constexpr double kPassageBonus = 0.1;
// Headings and questions restate the topic, which covers the question's terms well, but they
// answer nothing; they are kept only for when no real sentence matches as well.
constexpr double kHeadingFactor = 0.5;
constexpr double kQuestionFactor = 0.5;
// MMR-style redundancy: a sentence this similar to a chosen one adds nothing new.
constexpr double kRedundantSimilarity = 0.7;
// Sentences far below the best one only share a stray term with the question; they are noise.
constexpr double kRelativeFloor = 0.3;

struct Candidate {
    QString text;
    int passage = 0;
    int order = 0;        // position among all sentences, for a stable tie-break
    bool heading = false;
    QStringList terms;    // distinct, sorted
    QStringList content;  // distinct, sorted, without function words: what redundancy compares
    double score = 0;
};

struct Block {
    QString text;
    bool heading = false;
};

// Markdown blocks: blank lines end a paragraph; a heading or list item starts a new one; other
// line breaks are soft wraps inside a paragraph. Fenced code is left out: commands and listings
// match a question's words without answering it, and read badly run into prose.
std::vector<Block> splitBlocks(const QString &passage)
{
    static const QRegularExpression heading(QStringLiteral(R"(^#{1,6}(\s+|$))"));
    static const QRegularExpression bullet(QStringLiteral(R"(^([-*+•]|\d{1,3}[.)])\s+)"));
    static const QRegularExpression lineBreak(QStringLiteral(R"(\r\n|\r|\n)"));
    static const QRegularExpression closingHashes(QStringLiteral(R"((^|\s+)#+$)"));
    std::vector<Block> blocks;
    QString current;
    auto flush = [&] {
        if (!current.isEmpty())
            blocks.push_back({current, false});
        current.clear();
    };
    bool inFence = false;
    for (const QString &rawLine : passage.split(lineBreak)) {
        QString line = rawLine.simplified();
        if (line.startsWith(QLatin1String("```")) || line.startsWith(QLatin1String("~~~"))) {
            flush();
            inFence = !inFence;
            continue;
        }
        if (inFence)
            continue;
        if (line.isEmpty()) {
            flush();
        } else if (const auto m = heading.match(line); m.hasMatch()) {
            flush();
            line = line.mid(m.capturedLength());
            line.remove(closingHashes); // "## Title ##", but not the '#' of "C#"
            if (!line.trimmed().isEmpty())
                blocks.push_back({line.trimmed(), true});
        } else if (const auto b = bullet.match(line); b.hasMatch()) {
            flush();
            current = line.mid(b.capturedLength());
        } else {
            current += current.isEmpty() ? line : QLatin1Char(' ') + line;
        }
    }
    flush();
    return blocks;
}

bool isClosingMark(QChar c)
{
    return QStringView(u"\"')]}»”’」』）】").contains(c);
}

// A period after these does not end a sentence: titles, Latin abbreviations, initials ("J."),
// dotted forms ("e.g.", "U.S."). A sentence that really ends on one merges with the next, which
// costs less than cutting "Dr. Smith" in two.
bool isAbbreviation(QStringView word)
{
    static const QStringList known{
        QStringLiteral("mr"),   QStringLiteral("mrs"), QStringLiteral("ms"),  QStringLiteral("dr"),
        QStringLiteral("prof"), QStringLiteral("sr"),  QStringLiteral("jr"),  QStringLiteral("st"),
        QStringLiteral("vs"),   QStringLiteral("cf"),  QStringLiteral("fig"), QStringLiteral("approx"),
        QStringLiteral("al"),   QStringLiteral("inc"), QStringLiteral("ltd"), QStringLiteral("vol"),
        QStringLiteral("ca"),   QStringLiteral("eq"),  QStringLiteral("dept")};
    if (word.isEmpty())
        return false;
    if (word.size() == 1 || word.contains(QLatin1Char('.')))
        return true;
    return known.contains(word.toString().toLower());
}

// The word (letters and inner periods) ending just before text[end].
QStringView wordBefore(const QString &text, qsizetype end)
{
    qsizetype start = end;
    while (start > 0 && (text.at(start - 1).isLetter() || text.at(start - 1) == QLatin1Char('.')))
        --start;
    return QStringView(text).mid(start, end - start);
}

QStringList splitSentences(const QString &block)
{
    static const QString cjkEnds = QStringLiteral("。！？");
    static const QString latinEnds = QStringLiteral(".!?");
    QStringList sentences;
    qsizetype start = 0;
    auto cut = [&](qsizetype end) {
        const QString sentence = block.mid(start, end - start).trimmed();
        if (!sentence.isEmpty())
            sentences.append(sentence);
        start = end;
    };
    const qsizetype n = block.size();
    for (qsizetype i = 0; i < n; ++i) {
        bool cjk = cjkEnds.contains(block.at(i));
        if (!cjk && !latinEnds.contains(block.at(i)))
            continue;
        const qsizetype mark = i;
        qsizetype end = i + 1;
        while (end < n && (latinEnds.contains(block.at(end)) || cjkEnds.contains(block.at(end)))) {
            cjk = cjk || cjkEnds.contains(block.at(end)); // "?!", "...", "！？"
            ++end;
        }
        const bool singlePeriod = block.at(mark) == QLatin1Char('.') && end == mark + 1;
        const bool periods = QStringView(block).mid(mark, end - mark).count(QLatin1Char('.')) == end - mark;
        while (end < n && isClosingMark(block.at(end)))
            ++end;
        i = end - 1;
        if (!cjk) { // CJK text puts no space after its full stop; Latin text always does
            if (end < n && !block.at(end).isSpace())
                continue; // "3.5", "node.js"
            if (singlePeriod && isAbbreviation(wordBefore(block, mark)))
                continue;
            qsizetype next = end;
            while (next < n && block.at(next).isSpace())
                ++next;
            if (periods && next < n && block.at(next).isLower())
                continue; // "approx. three", "wait... no": a sentence does not start in lowercase
        }
        cut(end);
    }
    cut(n);
    return sentences;
}

QStringList distinctSorted(QStringList terms)
{
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    return terms;
}

qsizetype sharedCount(const QStringList &a, const QStringList &b) // both sorted
{
    qsizetype shared = 0;
    for (qsizetype i = 0, j = 0; i < a.size() && j < b.size();) {
        const int order = a.at(i).compare(b.at(j));
        shared += order == 0 ? 1 : 0;
        i += order <= 0 ? 1 : 0;
        j += order >= 0 ? 1 : 0;
    }
    return shared;
}

// Cosine of the two sentences' content-term sets.
double similarity(const Candidate &a, const Candidate &b)
{
    if (a.content.isEmpty() || b.content.isEmpty())
        return 0;
    return double(sharedCount(a.content, b.content)) / std::sqrt(double(a.content.size()) * double(b.content.size()));
}

std::vector<Candidate> candidatesOf(const QStringList &passages)
{
    std::vector<Candidate> candidates;
    for (qsizetype p = 0; p < passages.size(); ++p) {
        for (const Block &block : splitBlocks(passages.at(p))) {
            const QStringList sentences = block.heading ? QStringList{block.text} : splitSentences(block.text);
            for (const QString &sentence : sentences) {
                Candidate c;
                c.terms = distinctSorted(text::tokenize(sentence));
                if (c.terms.isEmpty())
                    continue;
                for (const QString &term : std::as_const(c.terms))
                    if (!text::isFunctionWord(term))
                        c.content.append(term);
                c.text = sentence;
                c.passage = int(p);
                c.order = int(candidates.size());
                c.heading = block.heading;
                candidates.push_back(std::move(c));
            }
        }
    }
    return candidates;
}

// Cuts an over-long sentence at a word boundary so that a single long best sentence still
// yields an answer within the character budget.
QString shortened(const QString &text, qsizetype maxCharacters)
{
    const QChar ellipsis(0x2026);
    if (maxCharacters < 2)
        return {};
    qsizetype cut = maxCharacters - 1; // the ellipsis takes the last place
    if (text.at(cut).isLowSurrogate())
        --cut; // do not split a surrogate pair
    const qsizetype space = text.lastIndexOf(QLatin1Char(' '), cut);
    if (space > 0)
        cut = space;
    return text.left(cut).trimmed() + ellipsis;
}

bool isQuestion(const QString &sentence)
{
    qsizetype end = sentence.size();
    while (end > 0 && isClosingMark(sentence.at(end - 1)))
        --end;
    return end > 0 && (sentence.at(end - 1) == QLatin1Char('?') || sentence.at(end - 1) == QChar(0xFF1F));
}

// Coverage of the question's terms, each weighted by how rare it is among the sentences (a term
// every sentence has does not pick one) and damped when it is a function word.
void score(std::vector<Candidate> &candidates, const QStringList &questionTerms)
{
    const double n = double(candidates.size());
    std::vector<double> weights;
    std::vector<bool> content;
    double total = 0;
    for (const QString &term : questionTerms) {
        int withTerm = 0;
        for (const Candidate &c : candidates)
            withTerm += std::binary_search(c.terms.cbegin(), c.terms.cend(), term) ? 1 : 0;
        content.push_back(!text::isFunctionWord(term));
        const double damping = content.back() ? 1.0 : double(text::kFunctionWordWeight);
        weights.push_back((1.0 + std::log((n + 1.0) / (withTerm + 1.0))) * damping);
        total += weights.back();
    }
    const bool questionHasContent = std::find(content.cbegin(), content.cend(), true) != content.cend();
    for (Candidate &c : candidates) {
        double covered = 0;
        bool sharesContent = false;
        for (size_t k = 0; k < weights.size(); ++k) {
            if (!std::binary_search(c.terms.cbegin(), c.terms.cend(), questionTerms.at(qsizetype(k))))
                continue;
            covered += weights[k];
            sharesContent = sharesContent || content[k];
        }
        // "What is the capital of France?" shares "is" and "the" with almost any sentence.
        if (covered <= 0 || (questionHasContent && !sharesContent)) {
            c.score = 0;
            continue;
        }
        double factor = (1.0 + kPassageBonus / (1.0 + c.passage)) / (1.0 + kPassageBonus);
        if (c.heading)
            factor *= kHeadingFactor;
        if (isQuestion(c.text))
            factor *= kQuestionFactor;
        c.score = covered / total * factor;
    }
}
} // namespace

QList<ExtractedSentence> extractAnswer(const QString &question, const QStringList &passages,
                                       const ExtractiveOptions &options)
{
    if (options.maxSentences <= 0 || options.maxCharacters <= 0)
        return {};
    const QStringList questionTerms = distinctSorted(text::tokenize(question));
    std::vector<Candidate> candidates = candidatesOf(passages);
    if (questionTerms.isEmpty() || candidates.empty())
        return {};
    score(candidates, questionTerms);
    std::erase_if(candidates, [](const Candidate &c) { return c.score <= 0; });
    if (candidates.empty())
        return {};
    std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
        return a.score != b.score ? a.score > b.score : a.order < b.order;
    });

    const double floor = kRelativeFloor * candidates.front().score;
    std::vector<const Candidate *> chosen;
    QList<ExtractedSentence> answer;
    qsizetype characters = 0;
    for (const Candidate &c : candidates) {
        if (c.score < floor || int(answer.size()) >= options.maxSentences)
            break;
        const bool redundant = std::any_of(chosen.cbegin(), chosen.cend(), [&](const Candidate *earlier) {
            return similarity(c, *earlier) >= kRedundantSimilarity;
        });
        if (redundant)
            continue;
        if (characters + c.text.size() > options.maxCharacters) {
            if (answer.isEmpty())
                answer.append({shortened(c.text, options.maxCharacters), c.passage, c.score});
            break;
        }
        chosen.push_back(&c);
        characters += c.text.size();
        answer.append({c.text, c.passage, c.score});
    }
    if (!answer.isEmpty() && answer.constFirst().text.isEmpty())
        answer.clear();
    return answer;
}

QString formatExtractiveAnswer(const QList<ExtractedSentence> &sentences)
{
    QStringList parts;
    for (const ExtractedSentence &s : sentences)
        parts.append(s.text + QStringLiteral(" [ID:") + QString::number(s.passage) + QLatin1Char(']'));
    return parts.join(QLatin1Char(' '));
}

} // namespace rag::providers
