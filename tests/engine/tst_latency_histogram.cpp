#include "metrics/latency_histogram.h"

#include <QTest>

#include <algorithm>
#include <numeric>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using rag::metrics::LatencyHistogram;

namespace {

// The nearest-rank order statistic the histogram promises to approximate.
qint64 exactPercentile(const std::vector<qint64> &sorted, double q)
{
    const auto n = qint64(sorted.size());
    const qint64 rank = std::clamp<qint64>(qint64(std::ceil(q * double(n) - 1e-9)), 1, n);
    return sorted[size_t(rank - 1)];
}

// Compares every quantile from 0 to 1 in steps of 0.001, plus the tails that matter for latency.
void verifyPercentiles(const LatencyHistogram &h, std::vector<qint64> values)
{
    std::sort(values.begin(), values.end());
    std::vector<double> quantiles{0.9999, 0.99999, 1e-5};
    for (int i = 0; i <= 1000; ++i)
        quantiles.push_back(i / 1000.0);
    for (double q : quantiles) {
        const qint64 expected = exactPercentile(values, q);
        const qint64 actual = h.percentile(q);
        const double error = std::abs(double(actual - expected));
        if (error > 0.001 * double(expected))
            QFAIL(qPrintable(QStringLiteral("q=%1: %2 instead of %3").arg(q).arg(actual).arg(expected)));
        QVERIFY(actual >= h.min() && actual <= h.max());
    }
}

std::vector<qint64> logUniform(std::mt19937_64 &rng, int n, double lowest, double highest)
{
    std::uniform_real_distribution<double> exponent(std::log(lowest), std::log(highest));
    std::vector<qint64> values;
    for (int i = 0; i < n; ++i)
        values.push_back(qint64(std::llround(std::exp(exponent(rng)))));
    return values;
}

LatencyHistogram histogramOf(const std::vector<qint64> &values)
{
    LatencyHistogram h;
    for (qint64 v : values)
        h.record(v);
    return h;
}

} // namespace

class TestLatencyHistogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyHistogramReportsZeros()
    {
        const LatencyHistogram h;
        QCOMPARE(h.count(), 0);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 0);
        QCOMPARE(h.mean(), 0.0);
        QCOMPARE(h.percentile(0.5), 0);
        QCOMPARE(h.percentile(1.0), 0);
    }

    void smallValuesAreExact()
    {
        std::vector<qint64> values;
        for (qint64 v = 0; v < 2048; ++v)
            values.push_back(v);
        const LatencyHistogram h = histogramOf(values);
        for (int i = 1; i <= 100; ++i)
            QCOMPARE(h.percentile(i / 100.0), exactPercentile(values, i / 100.0));
    }

    // Prometheus' cumulative buckets: how many values are at or below a bound, to the bucket's
    // precision, against counting the values themselves.
    void countAtMostMatchesTheValues()
    {
        rag::metrics::LatencyHistogram h;
        QCOMPARE(h.countAtMost(1000), 0);
        QList<qint64> values;
        for (qint64 v = 0; v < 200'000; v += 997)
            values.append(v);
        for (qint64 v : values)
            h.record(v);
        for (qint64 bound : {qint64(-1), qint64(0), qint64(5'000), qint64(50'000), qint64(123'456), qint64(10'000'000)}) {
            const qint64 exact = std::count_if(values.cbegin(), values.cend(), [bound](qint64 v) { return v <= bound; });
            const qint64 counted = h.countAtMost(bound);
            // A value within 0.1% above the bound may share its bucket.
            const qint64 upTo = std::count_if(values.cbegin(), values.cend(), [bound](qint64 v) { return double(v) <= double(bound) * 1.001 + 1; });
            QVERIFY2(counted >= exact && counted <= upTo, qPrintable(QStringLiteral("bound %1: %2 not in [%3, %4]").arg(bound).arg(counted).arg(exact).arg(upTo)));
        }
        QCOMPARE(h.countAtMost(rag::metrics::LatencyHistogram::kMaxMicros), h.count());
        QCOMPARE(h.sum(), double(std::accumulate(values.cbegin(), values.cend(), qint64(0))));
    }

    void percentilesFollowOrderStatisticsOnRandomData_data()
    {
        QTest::addColumn<int>("distribution");
        QTest::newRow("uniform 0..100 ms") << 0;
        QTest::newRow("log-uniform 1 us..10 s") << 1;
        QTest::newRow("bimodal cache hit / miss") << 2;
        QTest::newRow("few samples") << 3;
    }

    void percentilesFollowOrderStatisticsOnRandomData()
    {
        QFETCH(int, distribution);
        std::mt19937_64 rng(20260 + distribution);
        std::vector<qint64> values;
        if (distribution == 0) {
            std::uniform_int_distribution<qint64> uniform(0, 100'000);
            for (int i = 0; i < 50'000; ++i)
                values.push_back(uniform(rng));
        } else if (distribution == 1) {
            values = logUniform(rng, 50'000, 1, 10'000'000);
        } else if (distribution == 2) {
            values = logUniform(rng, 40'000, 200, 900);
            const auto slow = logUniform(rng, 2'000, 1'500'000, 9'000'000);
            values.insert(values.end(), slow.begin(), slow.end());
            std::shuffle(values.begin(), values.end(), rng);
        } else {
            values = logUniform(rng, 7, 1, 10'000'000);
        }
        const LatencyHistogram h = histogramOf(values);
        QCOMPARE(h.count(), qint64(values.size()));
        QCOMPARE(h.min(), *std::min_element(values.begin(), values.end()));
        QCOMPARE(h.max(), *std::max_element(values.begin(), values.end()));
        double sum = 0;
        for (qint64 v : values)
            sum += double(v);
        QCOMPARE(h.mean(), sum / double(values.size()));
        verifyPercentiles(h, values);
    }

    void singleValueIsReportedExactly()
    {
        LatencyHistogram h;
        h.record(123'457);
        QCOMPARE(h.percentile(0.0), 123'457);
        QCOMPARE(h.percentile(0.5), 123'457);
        QCOMPARE(h.percentile(0.99), 123'457);
        QCOMPARE(h.mean(), 123'457.0);
    }

    void quantilesOutsideTheUnitRangeGiveTheExtremes()
    {
        const LatencyHistogram h = histogramOf({5, 900, 70'000});
        QCOMPARE(h.percentile(-1.0), 5);
        QCOMPARE(h.percentile(std::numeric_limits<double>::quiet_NaN()), 5);
        QCOMPARE(h.percentile(2.0), 70'000);
    }

    void mergeEqualsRecordingEverything()
    {
        std::mt19937_64 rng(7);
        const auto fast = logUniform(rng, 20'000, 1, 5'000);
        const auto slow = logUniform(rng, 3'000, 100'000, 10'000'000);
        LatencyHistogram merged = histogramOf(fast);
        merged.merge(histogramOf(slow));
        std::vector<qint64> all = fast;
        all.insert(all.end(), slow.begin(), slow.end());
        const LatencyHistogram direct = histogramOf(all);
        QCOMPARE(merged.count(), direct.count());
        QCOMPARE(merged.min(), direct.min());
        QCOMPARE(merged.max(), direct.max());
        QCOMPARE(merged.mean(), direct.mean());
        for (int i = 0; i <= 1000; ++i)
            QCOMPARE(merged.percentile(i / 1000.0), direct.percentile(i / 1000.0));
        verifyPercentiles(merged, all);
    }

    // A window from two cumulative copies reports what was recorded in between: the quantiles
    // of the later values alone, within the histogram's precision.
    void sinceAnEarlierCopyIsTheWindowBetween()
    {
        std::mt19937_64 rng(11);
        const auto before = logUniform(rng, 5'000, 100'000, 10'000'000); // slow, then...
        const auto after = logUniform(rng, 2'000, 1, 5'000);             // ...fast
        LatencyHistogram cumulative = histogramOf(before);
        const LatencyHistogram earlier = cumulative;
        for (qint64 v : after)
            cumulative.record(v);
        const LatencyHistogram window = cumulative.since(earlier);
        QCOMPARE(window.count(), qint64(after.size()));
        verifyPercentiles(window, after);
        QVERIFY(window.max() <= 5'000);
        QCOMPARE(cumulative.since(cumulative).count(), 0); // nothing new
        QCOMPARE(cumulative.since(cumulative).percentile(0.95), 0);
        QCOMPARE(histogramOf(after).since(LatencyHistogram()).count(), qint64(after.size()));
    }

    void mergingWithEmptyKeepsTheOtherSide()
    {
        const LatencyHistogram data = histogramOf({40, 50, 60});
        LatencyHistogram empty;
        empty.merge(data);
        QCOMPARE(empty.count(), 3);
        QCOMPARE(empty.min(), 40); // not 0 from the empty side
        QCOMPARE(empty.max(), 60);
        QCOMPARE(empty.percentile(0.5), 50);
        LatencyHistogram copy = data;
        copy.merge(LatencyHistogram());
        QCOMPARE(copy.count(), 3);
        QCOMPARE(copy.min(), 40);
        QCOMPARE(copy.mean(), 50.0);
    }

    void valuesAboveAnHourAreClamped()
    {
        LatencyHistogram h;
        h.record(10);
        h.record(LatencyHistogram::kMaxMicros * 10);
        h.record(std::numeric_limits<qint64>::max());
        QCOMPARE(h.count(), 3);
        QCOMPARE(h.max(), LatencyHistogram::kMaxMicros);
        QCOMPARE(h.percentile(1.0), LatencyHistogram::kMaxMicros);
        const qint64 median = h.percentile(0.5); // a clamped sample, so within 0.1% of the clamp
        QVERIFY(median <= LatencyHistogram::kMaxMicros);
        QVERIFY(double(LatencyHistogram::kMaxMicros - median) <= 0.001 * double(LatencyHistogram::kMaxMicros));
    }

    void negativeValuesCountAsZero()
    {
        LatencyHistogram h;
        h.record(-5);
        h.record(std::numeric_limits<qint64>::min());
        h.record(8);
        QCOMPARE(h.count(), 3);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 8);
        QCOMPARE(h.percentile(0.5), 0);
        QCOMPARE(h.mean(), 8.0 / 3);
    }

    void resetEmptiesAndCopiesAreSnapshots()
    {
        LatencyHistogram h = histogramOf({100, 200, 300});
        const LatencyHistogram snapshot = h;
        h.reset();
        QCOMPARE(h.count(), 0);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 0);
        QCOMPARE(h.percentile(0.5), 0);
        h.record(7);
        QCOMPARE(h.min(), 7); // not 0 left over from the reset
        QCOMPARE(h.percentile(0.99), 7);
        QCOMPARE(snapshot.count(), 3);
        QCOMPARE(snapshot.percentile(0.5), 200);
    }
};

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latency_histogram.moc"
