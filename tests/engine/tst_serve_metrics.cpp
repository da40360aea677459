// GET /metrics after real answers (docs/serve.md, "Metrics"): the body parsed as Prometheus'
// text format 0.0.4 (every sample under a declared family, histogram buckets cumulative up to
// +Inf = _count) and the numbers it reports checked against what was asked.
#include "chat/chat_engine.h"
#include "serve/api_server.h"
#include "serve/prometheus_text.h"
#include "store/assistant_repository.h"
#include "support/fixtures.h"
#include "support/http_exchange.h"
#include "support/temp_workspace.h"

#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace rag;

namespace {

struct Sample {
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
};

// Parses the exposition text; fails the test on a line that is not in the format.
QList<Sample> parseExposition(const QByteArray &text, QMap<QString, QString> *types)
{
    static const QRegularExpression sampleLine(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$"));
    static const QRegularExpression label(QStringLiteral("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\""));
    QList<Sample> samples;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1String("# TYPE "))) {
            const QStringList parts = line.split(QLatin1Char(' '));
            if (parts.size() != 4)
                QTest::qFail(qPrintable(QStringLiteral("bad TYPE line: %1").arg(line)), __FILE__, __LINE__);
            types->insert(parts.at(2), parts.at(3));
            continue;
        }
        if (line.startsWith(QLatin1String("# HELP ")))
            continue;
        const auto match = sampleLine.match(line);
        if (!match.hasMatch()) {
            QTest::qFail(qPrintable(QStringLiteral("not a sample line: %1").arg(line)), __FILE__, __LINE__);
            return {};
        }
        Sample s;
        s.name = match.captured(1);
        for (auto it = label.globalMatch(match.captured(3)); it.hasNext();) {
            const auto l = it.next();
            s.labels.insert(l.captured(1), l.captured(2));
        }
        const QString value = match.captured(4);
        bool ok = true;
        s.value = value == QLatin1String("+Inf") ? qInf() : value.toDouble(&ok);
        if (!ok)
            QTest::qFail(qPrintable(QStringLiteral("bad value: %1").arg(line)), __FILE__, __LINE__);
        samples.append(s);
    }
    return samples;
}

QString familyOf(const QString &sampleName, const QMap<QString, QString> &types)
{
    if (types.contains(sampleName))
        return sampleName;
    for (const char *suffix : {"_bucket", "_sum", "_count"}) {
        if (sampleName.endsWith(QLatin1String(suffix)))
            return sampleName.chopped(int(qstrlen(suffix)));
    }
    return {};
}

double valueOf(const QList<Sample> &samples, const QString &name, const QMap<QString, QString> &labels = {})
{
    for (const Sample &s : samples) {
        if (s.name == name && s.labels == labels)
            return s.value;
    }
    return -1;
}

} // namespace

class TestServeMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void metricsAreValidPrometheusTextAndCountWhatHappened()
    {
        test::TempWorkspace ws;
        QVERIFY(test::writeFile(ws.path(QStringLiteral("docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        ws.ingest(QStringLiteral("nature"), {ws.path(QStringLiteral("docs"))});
        store::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("nature")};
        QVERIFY(store::AssistantRepository(ws.workspace->database().connection()).create(spec));
        chat::ChatEngine engine(*ws.workspace);
        serve::ApiServer server(*ws.workspace, engine, {});
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        QNetworkAccessManager nam;
        const auto url = [&](const char *path) { return QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(QLatin1String(path)))); };

        QNetworkRequest ask = url("/v1/chat/completions");
        ask.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(test::exchange(nam, "POST", ask, R"({"model":"guide","messages":[{"role":"user","content":"Why do otters hold hands?"}]})").status, 200);
        QCOMPARE(test::exchange(nam, "POST", ask, R"({"model":"nobody","messages":[{"role":"user","content":"hi"}]})").status, 404);

        const test::HttpExchange scraped = test::exchange(nam, "GET", url("/metrics"));
        QCOMPARE(scraped.status, 200);
        QVERIFY(scraped.header("content-type").startsWith("text/plain; version=0.0.4"));
        QMap<QString, QString> types;
        const QList<Sample> samples = parseExposition(scraped.body, &types);
        QVERIFY(!samples.isEmpty());
        for (const Sample &s : samples)
            QVERIFY2(!familyOf(s.name, types).isEmpty(), qPrintable(s.name)); // every sample has its TYPE

        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_answers_total"), {{QStringLiteral("outcome"), QStringLiteral("completed")}}), 2.0);
        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_answers_total"), {{QStringLiteral("outcome"), QStringLiteral("failed")}}), 1.0);
        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_rerank_calls_total"),
                         {{QStringLiteral("provider"), QStringLiteral("builtin")}, {QStringLiteral("status"), QStringLiteral("ok")}}),
                 2.0);
        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_http_requests_total"), {{QStringLiteral("route"), QStringLiteral("/v1/chat/completions")}}), 3.0);
        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_ttfc_seconds_count")), 2.0);
        QVERIFY(valueOf(samples, QStringLiteral("ragdesk_threads")) > 0);
        QVERIFY(valueOf(samples, QStringLiteral("ragdesk_resident_memory_bytes")) > 1e6);
        QCOMPARE(valueOf(samples, QStringLiteral("ragdesk_pool_threads_max"), {{QStringLiteral("pool"), QStringLiteral("db")}}), 2.0);
        QVERIFY(valueOf(samples, QStringLiteral("ragdesk_stage_in_flight"), {{QStringLiteral("stage"), QStringLiteral("search")}}) >= 0);
        QCOMPARE(types.value(QStringLiteral("ragdesk_stage_seconds")), QStringLiteral("histogram"));

        // Each histogram's buckets grow with le and end at +Inf = _count.
        QMap<QString, QList<Sample>> buckets;
        for (const Sample &s : samples) {
            if (s.name.endsWith(QLatin1String("_bucket"))) {
                QMap<QString, QString> series = s.labels;
                series.remove(QStringLiteral("le"));
                buckets[s.name + QStringLiteral("|") + series.value(QStringLiteral("stage"))].append(s);
            }
        }
        QVERIFY(buckets.size() >= 4); // ttfc, answers, and stages
        for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
            double previous = 0;
            for (const Sample &b : it.value()) {
                QVERIFY2(b.value >= previous, qPrintable(it.key()));
                previous = b.value;
            }
            QCOMPARE(it.value().constLast().labels.value(QStringLiteral("le")), QStringLiteral("+Inf"));
            QMap<QString, QString> series = it.value().constLast().labels;
            series.remove(QStringLiteral("le"));
            QCOMPARE(previous, valueOf(samples, it.value().constLast().name.chopped(7) + QStringLiteral("_count"), series));
        }
    }

    void labelValuesAreEscaped()
    {
        QCOMPARE(serve::PrometheusText::escapeLabelValue(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
    }
};

QTEST_GUILESS_MAIN(TestServeMetrics)
#include "tst_serve_metrics.moc"
