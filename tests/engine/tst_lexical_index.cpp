// The lexical index is derived from the database: these tests change the database, the index file
// or both behind its back, and check that search always answers from what the database holds.
#include "index/lexical_index.h"
#include "index/term_counts.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QFile>
#include <QTest>

using namespace rag;

namespace {
const QString kKb = QStringLiteral("kb");

QList<qint64> hitIds(test::TempWorkspace &t, const QString &query)
{
    auto result = t.workspace->search(kKb, query, {});
    if (!result) {
        qWarning("search failed: %s", qPrintable(result.error()));
        return {qint64(-1)};
    }
    QList<qint64> ids;
    for (const index::SearchHit &hit : result->hits)
        ids.append(hit.chunk.id);
    return ids;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestLexicalIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void postingsListEveryChunkOfATerm()
    {
        index::LexicalIndex::Builder builder;
        QVERIFY(builder.add(10, index::packTermCounts({QStringLiteral("otter"), QStringLiteral("kelp"), QStringLiteral("otter")}), 3));
        QVERIFY(builder.add(20, index::packTermCounts({QStringLiteral("kelp")}), 1));
        QVERIFY(builder.add(35, index::packTermCounts({QStringLiteral("owl")}), 1));
        QVERIFY(!builder.add(30, index::packTermCounts({QStringLiteral("late")}), 1)); // out of id order
        const auto built = builder.finish({3, 35});
        QCOMPARE(built->chunkCount(), 3u);
        QCOMPARE(built->termTotal(), 5);
        QCOMPARE(built->stamp(), (index::LexicalStamp{3, 35}));

        const auto kelp = built->postings(index::termHash(u"kelp"));
        QCOMPARE(kelp.size, 2u);
        QCOMPARE(built->chunkId(kelp.ordinals[0]), 10);
        QCOMPARE(built->chunkId(kelp.ordinals[1]), 20);
        const auto otter = built->postings(index::termHash(u"otter"));
        QCOMPARE(otter.size, 1u);
        QCOMPARE(int(otter.counts[0]), 2);
        QCOMPARE(built->length(otter.ordinals[0]), 3.0f);
        QCOMPARE(built->postings(index::termHash(u"beaver")).size, 0u);
        QCOMPARE(built->ordinalOf(35), std::optional<quint32>(2));
        QCOMPARE(built->ordinalOf(30), std::nullopt);
    }

    void aSavedIndexMapsBackUnchanged()
    {
        index::LexicalIndex::Builder builder;
        for (int i = 1; i <= 50; ++i)
            QVERIFY(builder.add(i, index::packTermCounts({QStringLiteral("w%1").arg(i % 7), QStringLiteral("all")}), 2));
        const auto built = builder.finish({50, 50});
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.lex"));
        QVERIFY(built->save(path));
        auto loaded = index::LexicalIndex::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        QCOMPARE((*loaded)->stamp(), built->stamp());
        QCOMPARE((*loaded)->postings(index::termHash(u"all")).size, 50u);
        QCOMPARE((*loaded)->postings(index::termHash(u"w3")).size, 7u);
    }

    void aDamagedFileIsRefused()
    {
        index::LexicalIndex::Builder builder;
        QVERIFY(builder.add(1, index::packTermCounts({QStringLiteral("alpha"), QStringLiteral("beta")}), 2));
        QVERIFY(builder.add(2, index::packTermCounts({QStringLiteral("beta")}), 1));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.lex"));
        QVERIFY(builder.finish({2, 2})->save(path));
        const QByteArray good = readAll(path);

        QByteArray truncated = good.left(good.size() - 8);
        QByteArray badOrdinal = good;
        badOrdinal[badOrdinal.size() - 8 - 3 - 4] = char(0x7f); // the first posting's ordinal, past every chunk
        QByteArray badMagic = good;
        badMagic[0] = 'X';
        for (const QByteArray &bytes : {truncated, badOrdinal, badMagic, QByteArray("short")}) {
            QVERIFY(test::writeFile(path, bytes));
            QVERIFY(!index::LexicalIndex::load(path));
        }
    }

    void aDeletedIndexIsRebuilt()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/a.txt")), "Sea otters hold hands while they sleep."));
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/b.txt")), "Owls hunt at night on silent wings."));
        t.ingest(kKb, {t.path(QStringLiteral("docs"))});
        const QList<qint64> before = hitIds(t, QStringLiteral("otters sleep"));
        QCOMPARE(before.size(), 1);
        const QString file = t.workspace->lexicalIndexes().indexPath(1);
        QVERIFY(QFile::exists(file));

        t.workspace.reset();
        QVERIFY(QFile::remove(file));
        t.workspace = t.reopen();
        QCOMPARE(hitIds(t, QStringLiteral("otters sleep")), before);
        QCOMPARE(t.workspace->lexicalIndexes().rebuildCount(), 1);
        QVERIFY(QFile::exists(file));

        // A fresh process maps the saved file instead of rebuilding it.
        t.workspace = t.reopen();
        QCOMPARE(hitIds(t, QStringLiteral("otters sleep")), before);
        QCOMPARE(t.workspace->lexicalIndexes().rebuildCount(), 0);
    }

    void aDamagedIndexFileIsRebuilt()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/a.txt")), "Beavers build dams from branches and mud."));
        t.ingest(kKb, {t.path(QStringLiteral("docs"))});
        const QList<qint64> before = hitIds(t, QStringLiteral("beavers dams"));
        QCOMPARE(before.size(), 1);
        const QString file = t.workspace->lexicalIndexes().indexPath(1);
        t.workspace.reset();
        QVERIFY(test::writeFile(file, "not an index at all, but long enough to hold a header of sixty-four bytes"));
        t.workspace = t.reopen();
        QCOMPARE(hitIds(t, QStringLiteral("beavers dams")), before);
        QCOMPARE(t.workspace->lexicalIndexes().rebuildCount(), 1);
    }

    void aStaleFileAfterACrashIsNotSearched()
    {
        // The index file is written after the database commits; a crash in between leaves a file
        // that describes the knowledge base before the commit.
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/a.txt")), "Honey bees dance to show where flowers are."));
        t.ingest(kKb, {t.path(QStringLiteral("docs/a.txt"))});
        QCOMPARE(hitIds(t, QStringLiteral("bees dance")).size(), 1);
        const QString file = t.workspace->lexicalIndexes().indexPath(1);
        const QByteArray beforeCommit = readAll(file);
        QVERIFY(!beforeCommit.isEmpty());

        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/b.txt")), "Sourdough rises because wild yeast ferments the dough."));
        t.ingest(kKb, {t.path(QStringLiteral("docs/b.txt"))});
        t.workspace.reset(); // the "crash": the newer index never reached the disk
        QVERIFY(test::writeFile(file, beforeCommit));

        t.workspace = t.reopen();
        QCOMPARE(hitIds(t, QStringLiteral("sourdough yeast")).size(), 1);
        QCOMPARE(t.workspace->lexicalIndexes().rebuildCount(), 1);
        QVERIFY(readAll(file) != beforeCommit);
    }

    void aCommittedWriteIsVisibleToTheNextSearch()
    {
        test::TempWorkspace t;
        const QString path = t.path(QStringLiteral("docs/note.txt"));
        QVERIFY(test::writeFile(path, "alpha beta"));
        t.ingest(kKb, {path});
        QCOMPARE(hitIds(t, QStringLiteral("beta")).size(), 1);
        QVERIFY(hitIds(t, QStringLiteral("gamma")).isEmpty());

        // The same file re-ingested replaces its one chunk: the chunk count stays, its id changes.
        QVERIFY(test::writeFile(path, "alpha gamma"));
        t.ingest(kKb, {path});
        QCOMPARE(hitIds(t, QStringLiteral("gamma")).size(), 1);
        QVERIFY(hitIds(t, QStringLiteral("beta")).isEmpty());

        // A second workspace on the same data dir (another process) writes; this one sees it.
        auto other = t.reopen();
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/more.txt")), "delta epsilon"));
        auto job = other->ingestJob(kKb, {t.path(QStringLiteral("docs/more.txt"))});
        QVERIFY(job);
        QCOMPARE((*job)->run().count(ingest::IngestFileOutcome::Status::Added), 1);
        QCOMPARE(hitIds(t, QStringLiteral("epsilon")).size(), 1);
    }
};

QTEST_MAIN(TestLexicalIndex)
#include "tst_lexical_index.moc"
