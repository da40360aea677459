#include "index/builtin_embedder.h"
#include "index/inner_product.h"
#include "index/vector_index.h"

#include <QFile>
#include <QRandomGenerator>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <numeric>
#include <cmath>
#include <cstring>

using namespace rag::index;

namespace {
std::vector<float> randomUnitVector(QRandomGenerator &random, int dimension)
{
    std::vector<float> v(static_cast<size_t>(dimension));
    double norm = 0;
    for (float &x : v) {
        x = float(random.generateDouble() * 2 - 1);
        norm += double(x) * x;
    }
    for (float &x : v)
        x = float(x / std::sqrt(norm));
    return v;
}

std::vector<std::vector<float>> randomUnitVectors(QRandomGenerator &random, int count, int dimension)
{
    std::vector<std::vector<float>> vectors;
    for (int i = 0; i < count; ++i)
        vectors.push_back(randomUnitVector(random, dimension));
    return vectors;
}

QList<qint64> exactTop(const std::vector<std::vector<float>> &data, const float *query, int k)
{
    std::vector<std::pair<float, qint64>> scored;
    for (size_t i = 0; i < data.size(); ++i)
        scored.push_back({dot(data[i].data(), query, int(data[i].size())), qint64(i + 1)});
    std::partial_sort(scored.begin(), scored.begin() + k, scored.end(), std::greater<>());
    QList<qint64> ids;
    for (int i = 0; i < k; ++i)
        ids.append(scored[size_t(i)].second);
    return ids;
}
} // namespace

class TestVectorIndex : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Every kernel this processor runs agrees with the portable loop, at every dimension (the
    // wide ones have tails to handle) and at addresses that are not vector-aligned.
    void everyInnerProductKernelAgreesWithThePortableOne()
    {
        const QList<InnerProductKernel> kernels = availableInnerProductKernels();
        QCOMPARE(QByteArray(kernels.constFirst().name), QByteArray("portable"));
        QCOMPARE(QByteArray(bestInnerProductKernel().name), QByteArray(kernels.constLast().name));
        QRandomGenerator random(11);
        for (size_t dimension = 1; dimension <= 300; ++dimension) {
            // One float more than needed, read from the second: misaligned by 4 bytes.
            std::vector<float> a(dimension + 1), b(dimension + 1);
            double exact = 0;
            for (size_t i = 1; i <= dimension; ++i) {
                a[i] = float(random.generateDouble() * 2 - 1);
                b[i] = float(random.generateDouble() * 2 - 1);
                exact += double(a[i]) * b[i];
            }
            const size_t dim = dimension;
            for (const InnerProductKernel &kernel : kernels) {
                const float dot = kernel.dot(a.data() + 1, b.data() + 1, dimension);
                QVERIFY2(std::abs(dot - exact) < 1e-4, qPrintable(QStringLiteral("%1 at %2: %3, exact %4")
                                                                      .arg(QLatin1String(kernel.name)).arg(dimension).arg(dot).arg(exact)));
                QCOMPARE(kernel.distance(a.data() + 1, b.data() + 1, &dim), 1.0f - dot);
            }
        }
    }

    void findsWhatExactSearchFinds()
    {
        const int dimension = 64;
        QRandomGenerator random(7);
        const std::vector<std::vector<float>> data = randomUnitVectors(random, 3000, dimension);
        VectorIndex index({dimension, 16, 100, 64}, 16); // starts small: adds must grow it
        QList<int> positions(int(data.size()));
        std::iota(positions.begin(), positions.end(), 0);
        QtConcurrent::blockingMap(positions, [&](int i) { index.add(i + 1, data[size_t(i)].data()); });
        QCOMPARE(index.size(), qint64(data.size()));

        int found = 0;
        const int queries = 50;
        for (int q = 0; q < queries; ++q) {
            const auto query = randomUnitVector(random, dimension);
            const QList<qint64> expected = exactTop(data, query.data(), 10);
            const QList<Neighbor> got = index.search(query.data(), 10);
            QCOMPARE(got.size(), 10);
            QVERIFY(got.first().similarity >= got.last().similarity);
            for (const Neighbor &n : got)
                found += expected.contains(n.id);
        }
        const double recall = double(found) / (queries * 10);
        QVERIFY2(recall >= 0.9, qPrintable(QStringLiteral("recall@10 %1").arg(recall)));
    }

    // The count is read while pool threads add (an ingestion next to a reader); it only grows
    // and ends at what was added. Under TSan (scripts/tsan.sh) an unguarded read fails here.
    void countsWhileOthersAdd()
    {
        const int dimension = 16;
        QRandomGenerator random(11);
        const std::vector<std::vector<float>> data = randomUnitVectors(random, 2000, dimension);
        VectorIndex index({dimension, 16, 100, 64}, 4096);
        QList<int> positions(int(data.size()));
        std::iota(positions.begin(), positions.end(), 0);
        QFuture<void> adding = QtConcurrent::map(positions, [&](int i) { index.add(i + 1, data[size_t(i)].data()); });
        qint64 last = 0;
        while (!adding.isFinished()) {
            const qint64 now = index.size();
            QVERIFY(now >= last);
            last = now;
        }
        adding.waitForFinished();
        QCOMPARE(index.size(), qint64(data.size()));
    }

    void removedVectorsAreNotReturned()
    {
        VectorIndex index({8, 16, 100, 64});
        const std::vector<float> a = {1, 0, 0, 0, 0, 0, 0, 0};
        const std::vector<float> b = {0, 1, 0, 0, 0, 0, 0, 0};
        index.add(1, a.data());
        index.add(2, b.data());
        QCOMPARE(index.search(a.data(), 1).first().id, 1);
        index.remove(1);
        index.remove(42); // unknown ids are ignored
        QCOMPARE(index.size(), 1);
        const auto hits = index.search(a.data(), 2);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits.first().id, 2);
    }

    void savesAndLoads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.hnsw"));
        QRandomGenerator random(3);
        const auto v = randomUnitVector(random, 32);
        {
            VectorIndex index({32, 16, 100, 64});
            for (int i = 1; i <= 100; ++i)
                index.add(i, randomUnitVector(random, 32).data());
            index.add(1000, v.data());
            index.add(2000, v.data());
            index.remove(2000);
            QVERIFY(index.save(path));
        }
        auto loaded = VectorIndex::load(path, {32, 16, 100, 64});
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE((*loaded)->size(), 101);
        QCOMPARE((*loaded)->deletedCount(), 1);
        const auto nearest = (*loaded)->search(v.data(), 2);
        QCOMPARE(nearest.first().id, 1000); // the deleted twin stays deleted
        QVERIFY(nearest.last().id != 2000);
        QVERIFY(!VectorIndex::load(path, {48, 16, 100, 64})); // another dimension
        QVERIFY(!VectorIndex::load(dir.filePath(QStringLiteral("missing")), {32, 16, 100, 64}));
    }

    // A save that cannot write its file whole (here: its temporary name is taken by a folder, as
    // a full disk would cut it short) is an error, and the index saved before stays as it was.
    void aFailedSaveKeepsTheOldIndex()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.hnsw"));
        QRandomGenerator random(5);
        VectorIndex index({32, 16, 100, 64});
        for (int i = 1; i <= 50; ++i)
            index.add(i, randomUnitVector(random, 32).data());
        QVERIFY(index.save(path));
        const qint64 good = QFileInfo(path).size();
        QVERIFY(!QFile::exists(path + QStringLiteral(".tmp"))); // moved into place

        for (int i = 51; i <= 80; ++i)
            index.add(i, randomUnitVector(random, 32).data());
        QVERIFY(QDir().mkdir(path + QStringLiteral(".tmp")));
        const auto failed = index.save(path);
        QVERIFY(!failed);
        QVERIFY2(failed.error().contains(QStringLiteral("cannot save the vector index")), qPrintable(failed.error()));
        QCOMPARE(QFileInfo(path).size(), good);
        auto loaded = VectorIndex::load(path, {32, 16, 100, 64});
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE((*loaded)->size(), 50);
    }

    // The index reads hnswlib's file itself (mapped, every link checked): what it reads must
    // search exactly as the graph that was saved, upper levels and deletions included.
    void loadedGraphSearchesAsTheSavedOne()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.hnsw"));
        const VectorIndexOptions options{16, 8, 60, 64};
        QRandomGenerator random(11);
        VectorIndex saved(options);
        for (qint64 id = 1; id <= 3000; ++id)
            saved.add(id * 7, randomUnitVector(random, 16).data());
        for (qint64 id = 1; id <= 3000; id += 97)
            saved.remove(id * 7);
        QVERIFY(saved.save(path));
        auto loaded = VectorIndex::load(path, options);
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE((*loaded)->size(), saved.size());
        QCOMPARE((*loaded)->deletedCount(), saved.deletedCount());
        QList<qint64> sample{7, 14, 700, 20'993, 99};
        for (int q = 0; q < 50; ++q) {
            const auto query = randomUnitVector(random, 16);
            const auto expected = saved.search(query.data(), 10);
            const auto found = (*loaded)->search(query.data(), 10);
            QCOMPARE(found.size(), expected.size());
            for (qsizetype i = 0; i < found.size(); ++i) {
                QCOMPARE(found.at(i).id, expected.at(i).id);
                QCOMPARE(found.at(i).similarity, expected.at(i).similarity);
            }
            QCOMPARE((*loaded)->similarities(query.data(), sample), saved.similarities(query.data(), sample));
        }
        // A delete writes into the mapped file's pages, privately: saving over the file it was
        // read from, while still mapped, keeps both the index and the file whole.
        const auto probe = saved.search(randomUnitVector(random, 16).data(), 1).first();
        (*loaded)->remove(probe.id);
        QCOMPARE((*loaded)->deletedCount(), saved.deletedCount() + 1);
        QVERIFY((*loaded)->save(path));
        auto reloaded = VectorIndex::load(path, options);
        QVERIFY(reloaded);
        QCOMPARE((*reloaded)->deletedCount(), saved.deletedCount() + 1);
        QCOMPARE((*reloaded)->size(), saved.size() - 1);
        // It grows past what it was read with.
        const auto twin = randomUnitVector(random, 16);
        for (qint64 id = 50'000; id < 50'100; ++id)
            (*loaded)->add(id, randomUnitVector(random, 16).data());
        (*loaded)->add(1, twin.data());
        QCOMPARE((*loaded)->search(twin.data(), 1).first().id, 1);
    }

    void refusesDamagedFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kb.hnsw"));
        const VectorIndexOptions options{16, 8, 60, 64};
        QRandomGenerator random(4);
        {
            VectorIndex index(options);
            for (qint64 id = 1; id <= 500; ++id)
                index.add(id, randomUnitVector(random, 16).data());
            QVERIFY(index.save(path));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray good = file.readAll();
        file.close();
        const QString damagedPath = dir.filePath(QStringLiteral("damaged.hnsw"));
        const auto loads = [&](const QByteArray &bytes) {
            QFile out(damagedPath);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(bytes) != bytes.size())
                return true;
            out.close();
            return VectorIndex::load(damagedPath, options).ok();
        };
        QVERIFY(loads(good));

        // hnswlib's layout for 16 dimensions and M 8: a 96-byte header, then per element its
        // level-0 links (a count word and 16 ids), its vector and its label; then each element's
        // upper-level links, each list behind its size in bytes.
        constexpr qsizetype header = 96;
        constexpr qsizetype element = 4 + 16 * 4 + 16 * 4 + 8;
        const qsizetype upperStart = header + 500 * element;
        for (qsizetype cut : {qsizetype(0), qsizetype(40), header - 1, header, header + element * 250,
                              upperStart + 2, good.size() - 3})
            QVERIFY2(!loads(good.left(cut)), qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QVERIFY(!loads(good + QByteArray(4, '\0')));

        const auto withWord = [&](qsizetype at, quint32 value) {
            QByteArray bytes = good;
            std::memcpy(bytes.data() + at, &value, sizeof(value));
            return bytes;
        };
        QVERIFY(!loads(withWord(header + 4, 500)));            // element 0 links to element 500 of 500
        QVERIFY(!loads(withWord(header, 17)));                 // 17 level-0 links where 16 fit
        QVERIFY(!loads(withWord(8 * 1, 499)));                 // fewer slots than elements
        QVERIFY(!loads(withWord(8 * 6, 7)));                   // its top level: 7 (no element has it)
        // A link on an upper level pointing outside the graph.
        qsizetype at = upperStart;
        for (int i = 0; i < 500; ++i) {
            quint32 size = 0;
            std::memcpy(&size, good.constData() + at, sizeof(size));
            if (size > 0) {
                QVERIFY(!loads(withWord(at + 4 + 4, 9999)));
                break;
            }
            at += 4;
        }
        QVERIFY(at > upperStart); // an element with upper links was found and damaged
        QVERIFY(!VectorIndex::load(path, {32, 8, 60, 64})); // another dimension
    }
};

QTEST_GUILESS_MAIN(TestVectorIndex)
#include "tst_vector_index.moc"
