#include "loadtest/arrival_schedule.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace rag::loadtest;

namespace {

constexpr qint64 kNsPerS = 1'000'000'000;

LoadSpec closedLoad(int users, double rampS, double thinkMs, ThinkKind think, double durationS)
{
    LoadSpec l;
    l.model = LoadModel::Closed;
    l.users = users;
    l.rampS = rampS;
    l.thinkMs = thinkMs;
    l.think = think;
    l.durationS = durationS;
    return l;
}

LoadSpec openLoad(double rate, ArrivalKind arrival, double durationS)
{
    LoadSpec l;
    l.model = LoadModel::Open;
    l.rate = rate;
    l.arrival = arrival;
    l.durationS = durationS;
    return l;
}

// Arrivals per second over [fromS, toS).
double rateBetween(const QList<qint64> &arrivals, double fromS, double toS)
{
    qint64 n = 0;
    for (qint64 a : arrivals)
        n += a >= qint64(fromS * kNsPerS) && a < qint64(toS * kNsPerS);
    return double(n) / (toS - fromS);
}

} // namespace

class TestLoadtestSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void closedRampSpreadsUsersEvenly()
    {
        const LoadSpec l = closedLoad(50, 5, 0, ThinkKind::Fixed, 60);
        QCOMPARE(closedUserStartNs(l, 0), 0);
        QCOMPARE(closedUserStartNs(l, 1), 100'000'000);   // 5 s / 50 users
        QCOMPARE(closedUserStartNs(l, 25), 2'500'000'000);
        QCOMPARE(closedUserStartNs(l, 49), 4'900'000'000); // the last one before the ramp's end
        QCOMPARE(UserSchedule(l, 10, 7).firstStartNs(), 1'000'000'000);
        // No ramp: everyone at once.
        QCOMPARE(closedUserStartNs(closedLoad(10, 0, 0, ThinkKind::Fixed, 1), 9), 0);
    }

    void fixedThinkTimeFollowsTheEnd()
    {
        UserSchedule user(closedLoad(1, 0, 250, ThinkKind::Fixed, 10), 0, 1);
        QCOMPARE(user.next(2 * kNsPerS).value(), 2 * kNsPerS + 250'000'000);
        QCOMPARE(user.next(3 * kNsPerS).value(), 3 * kNsPerS + 250'000'000);
        // No think time: the next question right at the end of the answer.
        UserSchedule eager(closedLoad(1, 0, 0, ThinkKind::Fixed, 10), 0, 1);
        QCOMPARE(eager.next(kNsPerS).value(), kNsPerS);
    }

    void exponentialThinkMeanIsRight()
    {
        UserSchedule user(closedLoad(1, 0, 10'000, ThinkKind::Exponential, 60), 3, 42);
        const int n = 20'000;
        double sum = 0;
        int below = 0;
        for (int i = 0; i < n; ++i) {
            const qint64 t = user.thinkNs();
            QVERIFY(t >= 0);
            sum += double(t);
            below += t < qint64(10'000 * 1e6);
        }
        const double meanMs = sum / n / 1e6;
        QVERIFY2(std::abs(meanMs - 10'000) < 300, qPrintable(QString::number(meanMs))); // ~4 sigma
        // Exponential, not fixed: P(X < mean) = 1 - 1/e = 0.632.
        QVERIFY2(std::abs(double(below) / n - 0.632) < 0.02, qPrintable(QString::number(below)));
    }

    void refusedUsersComeBackSpreadOverASecond()
    {
        // Retry-After's second, jittered: within 0.5-1.5 s, about 1 s on average, spread evenly
        // (a fixed second would bring every user refused together back together), the same
        // draws for the same user and seed.
        const LoadSpec l = closedLoad(2, 0, 0, ThinkKind::Fixed, 60);
        UserSchedule user(l, 0, 5), same(l, 0, 5), other(l, 1, 5);
        const int n = 10'000;
        double sum = 0;
        int firstHalf = 0;
        int differ = 0;
        for (int i = 0; i < n; ++i) {
            const qint64 t = user.refusalBackoffNs();
            QVERIFY(t >= 500'000'000 && t <= 1'500'000'000);
            QCOMPARE(same.refusalBackoffNs(), t);
            differ += other.refusalBackoffNs() != t;
            sum += double(t);
            firstHalf += t < 1'000'000'000;
        }
        QVERIFY2(std::abs(sum / n / 1e6 - 1000) < 12, qPrintable(QString::number(sum / n / 1e6))); // ~4 sigma
        QVERIFY2(std::abs(double(firstHalf) / n - 0.5) < 0.02, qPrintable(QString::number(firstHalf)));
        QVERIFY(differ > n - 10);
    }

    void thinkDrawsAreDeterministicPerUser()
    {
        const LoadSpec l = closedLoad(3, 0, 1000, ThinkKind::Exponential, 60);
        UserSchedule a(l, 1, 9), b(l, 1, 9), other(l, 2, 9), reseeded(l, 1, 10);
        const qint64 first = a.thinkNs();
        QCOMPARE(b.thinkNs(), first);
        QVERIFY(other.thinkNs() != first);
        QVERIFY(reseeded.thinkNs() != first);
    }

    void closedUserStopsAtIterationsOrTheEnd()
    {
        LoadSpec l = closedLoad(1, 0, 0, ThinkKind::Fixed, 0);
        l.iterations = 3;
        UserSchedule counted(l, 0, 1);
        QVERIFY(counted.next(kNsPerS).has_value());
        QVERIFY(counted.next(2 * kNsPerS).has_value());
        QVERIFY(!counted.next(3 * kNsPerS).has_value()); // three requests done
        QVERIFY(counted.next(100'000 * kNsPerS) == std::nullopt);

        LoadSpec timed = closedLoad(1, 0, 500, ThinkKind::Fixed, 8);
        timed.warmupS = 2; // the run lasts 10 s
        UserSchedule user(timed, 0, 1);
        QCOMPARE(user.next(9 * kNsPerS).value(), 9 * kNsPerS + 500'000'000);
        QVERIFY(!user.next(qint64(9.5 * kNsPerS)).has_value()); // would start at 10 s: the end
    }

    void openConstantIsEvenlySpaced()
    {
        LoadSpec l = openLoad(100, ArrivalKind::Constant, 10);
        l.warmupS = 2;
        const QList<qint64> arrivals = openArrivalsNs(l, 1);
        QCOMPARE(arrivals.size(), 1199); // at 10 ms, 20 ms ... 11.99 s; 12 s is the end
        QCOMPARE(arrivals.first(), 10'000'000);
        for (qsizetype i = 1; i < arrivals.size(); ++i)
            QCOMPARE(arrivals[i] - arrivals[i - 1], 10'000'000);
        QCOMPARE(openArrivalsNs(l, 999), arrivals); // nothing random about it
    }

    void openPoissonHasTheRateAndIsSeeded()
    {
        const LoadSpec l = openLoad(200, ArrivalKind::Poisson, 60);
        const QList<qint64> arrivals = openArrivalsNs(l, 5);
        // 12,000 expected; the standard deviation is ~110.
        QVERIFY2(std::abs(arrivals.size() - 12'000) < 450, qPrintable(QString::number(arrivals.size())));
        QVERIFY(std::is_sorted(arrivals.begin(), arrivals.end()));
        QVERIFY(arrivals.last() < 60 * kNsPerS);
        // Inter-arrival times are exponential: their coefficient of variation is 1 (0 if constant).
        double sum = 0, sumSq = 0;
        for (qsizetype i = 1; i < arrivals.size(); ++i) {
            const double gap = double(arrivals[i] - arrivals[i - 1]);
            sum += gap;
            sumSq += gap * gap;
        }
        const double n = double(arrivals.size() - 1);
        const double mean = sum / n;
        const double cv = std::sqrt(sumSq / n - mean * mean) / mean;
        QVERIFY2(std::abs(cv - 1) < 0.05, qPrintable(QString::number(cv)));
        QCOMPARE(openArrivalsNs(l, 5), arrivals);
        QVERIFY(openArrivalsNs(l, 6) != arrivals);
    }

    void stagesRampTheRate()
    {
        LoadSpec l = openLoad(0, ArrivalKind::Constant, 0);
        l.stages = {RateStage{10, 100}, RateStage{10, 100}, RateStage{10, 20}};
        const QList<qint64> arrivals = openArrivalsNs(l, 1);
        // Areas: 0 -> 100 over 10 s = 500; flat 100 for 10 s = 1000; 100 -> 20 over 10 s = 600.
        QVERIFY2(std::abs(arrivals.size() - 2100) <= 1, qPrintable(QString::number(arrivals.size())));
        // Rising through the first stage, one second at a time; about 50/s in its middle second.
        double previous = -1;
        for (int s = 0; s < 10; ++s) {
            const double rate = rateBetween(arrivals, s, s + 1);
            QVERIFY2(rate >= previous, qPrintable(QStringLiteral("second %1: %2 after %3").arg(s).arg(rate).arg(previous)));
            previous = rate;
        }
        QVERIFY(std::abs(rateBetween(arrivals, 4.5, 5.5) - 50) <= 2);
        QVERIFY(std::abs(rateBetween(arrivals, 12, 18) - 100) <= 1);
        // Falling through the last stage, from 100 towards 20.
        previous = 1e9;
        for (int s = 20; s < 30; ++s) {
            const double rate = rateBetween(arrivals, s, s + 1);
            QVERIFY(rate <= previous);
            previous = rate;
        }
        QVERIFY(std::abs(rateBetween(arrivals, 29, 30) - 24) <= 2); // 24/s averaged over the last second

        l.arrival = ArrivalKind::Poisson;
        const QList<qint64> poisson = openArrivalsNs(l, 3);
        QVERIFY2(std::abs(poisson.size() - 2100) < 200, qPrintable(QString::number(poisson.size())));
        QVERIFY(rateBetween(poisson, 0, 5) < rateBetween(poisson, 5, 10)); // 125 vs 375 expected
    }
};

QTEST_GUILESS_MAIN(TestLoadtestSchedule)
#include "tst_loadtest_schedule.moc"
