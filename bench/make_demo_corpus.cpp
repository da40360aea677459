// Grows the demo knowledge base (resources/demo) into the load-test corpus of docs/loadtest.md:
// Markdown files that recombine and reword the demo documents' passages, so the benchmark
// questions still retrieve on-topic chunks while no two chunks are equal (equal chunks tie every
// score and make search degenerate). Files are sized with the engine's own parser and chunker at
// the default knowledge-base settings, so ingesting the folder gives exactly --chunks chunks.
#include "core/result.h"
#include "demo_corpus_source.h"
#include "ingest/chunker.h"
#include "ingest/document_parser.h"
#include "ingest/text_parsers.h"
#include "text/token_counter.h"
#include "store/records.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cstdio>
#include <utility>

using namespace rag;
using rag::bench::Block;
using rag::bench::Section;
using rag::bench::Topic;
using rag::bench::loadTopic;
using rag::bench::splitSentences;

namespace {

QStringList words(const char *list, QChar separator = u',') { return QString::fromUtf8(list).split(separator); }

const QStringList kTeams = words("Falcon,Harbor,Juniper,Meridian,Aurora,Cobalt,Delta,Ember,Fjord,Granite,Helix,"
                                 "Kestrel,Lumen,Maple,Nimbus,Orchid,Pioneer,Quartz,Sierra,Tundra");
const QStringList kContexts = words("support desk,legal archive,physics lab,newsroom,hospital library,field service crew,"
                                    "finance back office,university help desk,engineering wiki,research group,"
                                    "city records office,QA lab,translation bureau,product team,training centre");
const QStringList kPeople = words("Ana,Bilal,Chen,Dana,Emeka,Farah,Goran,Hana,Ivo,Jun,Kofi,Lena");
// Each filler names where and when a passage applied and carries demo sentences ({s}), so it
// varies the wording without drifting off the section's topic.
const QStringList kFillers = words(
    "Release {v} notes on \"{heading}\": the {team} team re-read this part after upgrading and kept it as written. {s}|"
    "{team} field note {k} ({ctx}): {s} They checked it on a knowledge base of {n} documents and {n2} chunks.|"
    "A question the {team} help desk hears often is about \"{heading}\". The answer starts here: {s}|"
    "Measured on {date} with {n2} chunks on a {cores}-core machine, the steps in \"{heading}\" took {ms} ms. {s}|"
    "Revision {r} of the {team} handbook rewords this without changing its meaning: {s}|"
    "Why this matters for the {ctx}: {s} {s2}|Checklist item {k} for release {v}: {s}|In short, for release {v}: {s} {s2}|"
    "Onboarding tip from {person} ({team} team): read \"{heading}\" before your first week on the {ctx}. {s}|"
    "Ticket {ticket} from the {ctx} was closed with a pointer to this section. {s}",
    u'|');
const QStringList kOpeners = words("In release {v}, |For the {team} team, |On the {ctx}, |As of revision {r}, |"
                                   "In practice, |According to {person}, ",
                                   u'|');
const QStringList kTags = words(", (release {v} notes), ({team} edition), (revision {r}), for the {ctx}");
// Plain-English words only: commands, option names and numbers are facts and stay as they are.
const QStringList kSynonymPairs = words(
    "shows:displays,finds:locates,keeps:retains,usually:typically,often:frequently,large:big,begins:starts,"
    "starts:begins,needs:requires,removes:deletes,whole:entire,entire:whole,fast:quick,quick:fast,picks:chooses,"
    "gets:receives,helps:assists,important:essential,immediately:at once,several:a few,means:indicates,"
    "prints:outputs,problem:issue,problems:issues,computer:machine,folder:directory,lets:allows,common:typical,"
    "mostly:largely,later:afterwards");

QString synonymOf(const QString &word)
{
    static const QHash<QString, QString> synonyms = [] {
        QHash<QString, QString> map;
        for (const QString &pair : kSynonymPairs)
            map.insert(pair.section(u':', 0, 0), pair.section(u':', 1));
        return map;
    }();
    return synonyms.value(word.toLower());
}

// Writes one output document block by block, so the caller can stop at an exact chunk count.
class Composer {
public:
    Composer(const QList<Topic> &topics, int index, quint32 seed, int attempt) : m_topics(topics)
    {
        const quint32 seeds[] = {seed, quint32(index), quint32(attempt)};
        m_rng = QRandomGenerator(seeds, qsizetype(std::size(seeds)));
        m_primary = &topics.at(qsizetype((quint64(index) + seed) % quint64(topics.size())));
        m_team = pick(kTeams);
        m_ctx = pick(kContexts);
        const QString release = QStringLiteral("%1.%2").arg(1 + m_rng.bounded(9)).arg(m_rng.bounded(13));
        m_fileName = QStringLiteral("%1-%2-%3-r%4.md")
                         .arg(index + 1, 5, 10, QLatin1Char('0'))
                         .arg(m_primary->slug, m_team.toLower(), QString(release).replace(u'.', u'-'));
        m_pending.append(fill(QStringLiteral("# %1 — {team} handbook, release %2\n\nThis edition was put together for the "
                                             "{team} team ({ctx}) from the ragdesk documentation, revision {r}. {s}\n\n")
                                  .arg(m_primary->title, release),
                              m_primary->sections.first()));
    }

    const QString &fileName() const { return m_fileName; }
    QString nextBlock()
    {
        if (m_pending.isEmpty())
            planSection();
        return m_pending.takeFirst();
    }

private:
    QString pick(const QStringList &list) { return list.at(m_rng.bounded(int(list.size()))); }
    bool chance(int percent) { return m_rng.bounded(100) < percent; }

    void planSection()
    {
        const Topic &topic = chance(65) ? *m_primary : m_topics.at(m_rng.bounded(int(m_topics.size())));
        const Section *section = &topic.sections.at(topic.tickets.at(m_rng.bounded(int(topic.tickets.size()))));
        m_pending.append(fill(QStringLiteral("## ") + section->heading + pick(kTags) + QStringLiteral("\n\n"), *section));
        // A long section (the cheat sheet's rows) contributes a window of itself, so sections of
        // the output stay a readable size and every part of it gets its turn.
        qsizetype from = 0, count = section->blocks.size();
        if (count > 8) {
            count = 4 + m_rng.bounded(5);
            from = m_rng.bounded(int(section->blocks.size() - count + 1));
        }
        for (qsizetype i = from; i < from + count; ++i) {
            if (chance(85))
                m_pending.append(render(section->blocks.at(i), *section));
            if (chance(30))
                m_pending.append(fill(pick(kFillers), *section) + QStringLiteral("\n\n"));
        }
        while (m_pending.size() < 3)
            m_pending.append(fill(pick(kFillers), *section) + QStringLiteral("\n\n"));
    }

    QString render(const Block &block, const Section &section)
    {
        if (block.kind == Block::Verbatim)
            return block.text + QStringLiteral("\n\n");
        if (block.kind == Block::List)
            return QStringLiteral("- ") + reword(block.text).replace(u'\n', QStringLiteral("\n- ")) + QStringLiteral("\n\n");
        QStringList sentences = splitSentences(block.text);
        if (sentences.size() >= 3 && chance(25))
            sentences.removeAt(m_rng.bounded(int(sentences.size())));
        for (QString &sentence : sentences)
            sentence = reword(sentence);
        QString &first = sentences.first();
        if (chance(35) && first.size() > 1 && first.at(0).isUpper() && first.at(1).isLower())
            first = fill(pick(kOpeners), section) + first.at(0).toLower() + first.mid(1);
        if (chance(30)) { // a full stop first, so a filler is not glued onto a table row
            sentences.last() += QStringLiteral(".!?:").contains(sentences.last().back()) ? QString() : QStringLiteral(".");
            sentences.append(fill(pick(kFillers), section));
        }
        return sentences.join(u' ') + QStringLiteral("\n\n");
    }

    // Swaps some plain words for synonyms, leaving `code spans` alone.
    QString reword(const QString &text)
    {
        QString out;
        bool code = false;
        for (qsizetype i = 0; i < text.size();) {
            code = text.at(i) == u'`' ? !code : code;
            qsizetype end = i;
            while (end < text.size() && text.at(end).isLetter())
                ++end;
            if (end == i) {
                out.append(text.at(i++));
                continue;
            }
            const QString word = text.mid(i, end - i);
            const QString synonym = code ? QString() : synonymOf(word);
            if (!synonym.isEmpty() && chance(30))
                out.append(word.at(0).isUpper() ? synonym.left(1).toUpper() + synonym.mid(1) : synonym);
            else
                out.append(word);
            i = end;
        }
        return out;
    }

    QString fill(QString pattern, const Section &section)
    {
        auto put = [&pattern](QLatin1String key, auto value) {
            if (pattern.contains(key))
                pattern.replace(key, value());
        };
        auto number = [this](int low, int high) { return [=, this] { return QString::number(low + m_rng.bounded(high - low)); }; };
        put(QLatin1String("{team}"), [this] { return m_team; });
        put(QLatin1String("{ctx}"), [this] { return m_ctx; });
        put(QLatin1String("{heading}"), [&] { return section.heading; });
        put(QLatin1String("{person}"), [this] { return pick(kPeople); });
        put(QLatin1String("{v}"), [this] { return QStringLiteral("%1.%2").arg(1 + m_rng.bounded(9)).arg(m_rng.bounded(13)); });
        put(QLatin1String("{date}"), [this] { return QDate(2023, 1, 1).addDays(m_rng.bounded(900)).toString(Qt::ISODate); });
        put(QLatin1String("{k}"), number(1, 100));
        put(QLatin1String("{r}"), number(2, 60));
        put(QLatin1String("{n}"), number(12, 4000));
        put(QLatin1String("{n2}"), number(500, 250000));
        put(QLatin1String("{ms}"), number(40, 9000));
        put(QLatin1String("{cores}"), [this] { return QString::number(2 << m_rng.bounded(5)); });
        put(QLatin1String("{ticket}"), number(1000, 99999));
        // {s2} is the sentence after {s}, which reads on from it.
        const QStringList &pool = section.sentences.isEmpty() ? m_primary->sentences : section.sentences;
        const int first = m_rng.bounded(int(pool.size()));
        put(QLatin1String("{s}"), [&] { return reword(pool.at(first)); });
        put(QLatin1String("{s2}"), [&] { return reword(pool.at((first + 1) % pool.size())); });
        return pattern;
    }

    const QList<Topic> &m_topics;
    QRandomGenerator m_rng;
    const Topic *m_primary = nullptr;
    QString m_team;
    QString m_ctx;
    QString m_fileName;
    QStringList m_pending;
};

struct Generated {
    QString name;
    QByteArray bytes;
    QList<QByteArray> chunkHashes; // as ingestion will cut the file
};

// One document of exactly `target` chunks as ingestion will cut it (more only if a bulk step
// overshoots, which the caller absorbs in the next file).
Generated compose(Composer &composer, int target, const ingest::ChunkerOptions &options)
{
    QString text;
    auto chunksOf = [&] {
        const auto parsed = ingest::parseDocument(composer.fileName(), text.toUtf8());
        return parsed ? ingest::chunkDocument(*parsed, options) : QList<ingest::TextChunk>{};
    };
    for (int tokens = 0; tokens < target * options.chunkTokens * 9 / 10;) {
        const QString block = composer.nextBlock();
        tokens += rag::text::countTokens(block);
        text += block;
    }
    QList<ingest::TextChunk> chunks = chunksOf();
    while (chunks.size() < target) {
        // A block is shorter than a chunk, so it adds at most one; several at once only while
        // that many chunks are still missing, each chunk holding at least a third of its budget.
        for (int budget = int(target - chunks.size() - 1) * options.chunkTokens / 3; budget >= 0;) {
            const QString block = composer.nextBlock();
            budget -= std::max(1, rag::text::countTokens(block));
            text += block;
        }
        chunks = chunksOf();
    }
    Generated file{composer.fileName(), text.toUtf8(), {}};
    for (const ingest::TextChunk &chunk : std::as_const(chunks))
        file.chunkHashes.append(QCryptographicHash::hash(chunk.text.toUtf8(), QCryptographicHash::Sha1));
    return file;
}

int exitWithError(const QString &message)
{
    std::fprintf(stderr, "make_demo_corpus: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Grows resources/demo into the load-test corpus (docs/loadtest.md)."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("out"), QStringLiteral("an empty or new folder for the files"), QStringLiteral("DIR")},
        {QStringLiteral("chunks"), QStringLiteral("chunks at the default knowledge-base settings"), QStringLiteral("N"),
         QStringLiteral("20000")},
        {QStringLiteral("seed"), QStringLiteral("same seed, same bytes"), QStringLiteral("N"), QStringLiteral("1")},
        {QStringLiteral("demo"), QStringLiteral("the documents to grow"), QStringLiteral("DIR"), QStringLiteral(RAGDESK_DEMO_DIR)},
        {QStringLiteral("force"), QStringLiteral("write into a non-empty DIR, replacing an earlier run's files")},
    });
    parser.process(app);
    bool chunksOk = false, seedOk = false;
    const int target = parser.value(QStringLiteral("chunks")).toInt(&chunksOk);
    const quint32 seed = parser.value(QStringLiteral("seed")).toUInt(&seedOk);
    if (!parser.isSet(QStringLiteral("out")))
        return exitWithError(QStringLiteral("--out DIR is required (see --help)"));
    if (!chunksOk || target < 1 || !seedOk)
        return exitWithError(QStringLiteral("--chunks takes a positive whole number and --seed a non-negative one"));

    const QDir demo(parser.value(QStringLiteral("demo")));
    QList<Topic> topics;
    for (const QString &name : demo.entryList(QDir::Files, QDir::Name)) {
        if (!ingest::isSupportedFile(name))
            continue;
        auto topic = loadTopic(demo.filePath(name));
        if (!topic)
            return exitWithError(topic.error());
        topics.append(std::move(*topic));
    }
    if (topics.isEmpty())
        return exitWithError(QStringLiteral("no demo documents in %1 (see --demo)").arg(demo.absolutePath()));

    QDir out(parser.value(QStringLiteral("out")));
    static const QRegularExpression ours(QStringLiteral("^\\d{5}-.+\\.md$"));
    const QStringList present = out.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    if (!present.isEmpty() && !parser.isSet(QStringLiteral("force")))
        return exitWithError(QStringLiteral("%1 is not empty, and ingesting it would take in its files too: choose an "
                                            "empty or new folder, or pass --force to replace an earlier run's files")
                                 .arg(out.absolutePath()));
    for (const QString &name : present) {
        if (!ours.match(name).hasMatch())
            std::fprintf(stderr, "make_demo_corpus: warning: %s was not written by us and will be ingested too\n",
                         qPrintable(out.filePath(name)));
        else if (!out.remove(name))
            return exitWithError(QStringLiteral("cannot remove %1").arg(out.filePath(name)));
    }
    if (!out.mkpath(QStringLiteral(".")))
        return exitWithError(QStringLiteral("cannot create %1").arg(out.absolutePath()));

    const store::KnowledgeBaseSpec defaults;
    const ingest::ChunkerOptions options{defaults.chunkTokens, defaults.overlapPercent, defaults.delimiters};
    QRandomGenerator sizes(seed);
    QSet<QByteArray> seen;
    qint64 bytes = 0;
    int files = 0;
    for (int remaining = target; remaining > 0; ++files) {
        // 20 to 50 chunks a file, the last one taking what is left so the total comes out exact.
        int chunks = std::min(remaining, 20 + sizes.bounded(31));
        if (remaining - chunks < 20)
            chunks = remaining;
        Generated file;
        for (int attempt = 0;; ++attempt) {
            if (attempt == 20)
                return exitWithError(QStringLiteral("cannot write file %1 without repeating a chunk").arg(files + 1));
            Composer composer(topics, files, seed, attempt);
            file = compose(composer, chunks, options);
            const QSet<QByteArray> own(file.chunkHashes.cbegin(), file.chunkHashes.cend());
            if (own.size() == file.chunkHashes.size() && !own.intersects(seen))
                break;
        }
        seen.unite(QSet<QByteArray>(file.chunkHashes.cbegin(), file.chunkHashes.cend()));
        QFile output(out.filePath(file.name));
        if (!output.open(QIODevice::WriteOnly) || output.write(file.bytes) != file.bytes.size() || !output.flush())
            return exitWithError(QStringLiteral("cannot write %1: %2").arg(output.fileName(), output.errorString()));
        bytes += file.bytes.size();
        remaining -= int(file.chunkHashes.size());
    }

    const QByteArray dir = out.absolutePath().toUtf8();
    const QByteArray command = QByteArrayLiteral(RAGDESK_BINARY " --data-dir ") + dir + QByteArrayLiteral("-data");
    std::printf("wrote %d files, %lld bytes (%.1f MB) to %s\n%lld chunks at the default knowledge-base settings "
                "(%d-token chunks, %d%% overlap), seed %u\ningest it into a knowledge base named demo, in a data dir "
                "of its own:\n  %s kb create demo\n  %s ingest demo %s\n",
                files, bytes, double(bytes) / 1e6, dir.constData(), qint64(seen.size()), options.chunkTokens,
                options.overlapPercent, seed, command.constData(), command.constData(), dir.constData());
    return 0;
}
