#include "index/builtin_embedder.h"
#include "index/vector_index.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <numeric>
#include <cmath>

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
    void findsWhatExactSearchFinds()
    {
        const int dimension = 64;
        QRandomGenerator random(7);
        std::vector<std::vector<float>> data;
        for (int i = 0; i < 3000; ++i)
            data.push_back(randomUnitVector(random, dimension));
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
};

QTEST_GUILESS_MAIN(TestVectorIndex)
#include "tst_vector_index.moc"
