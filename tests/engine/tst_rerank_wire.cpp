#include "text/token_counter.h"
#include "providers/wire/json_writer.h"
#include "providers/wire/provider_endpoints.h"
#include "providers/wire/rerank_wire.h"
#include "providers/wire/score_normalizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace rag::providers;

namespace {
ProviderKind kind(const QString &name)
{
    const auto k = kindFromName(name);
    if (!k)
        qFatal("unknown kind %s", qPrintable(name));
    return *k;
}

RerankInput input(const QString &kindName, QStringList docs, QString base = {})
{
    RerankInput in;
    in.kind = kind(kindName);
    in.baseUrl = std::move(base);
    in.model = QStringLiteral("rerank-model");
    in.query = QStringLiteral("what do otters eat");
    in.documents = std::move(docs);
    return in;
}

const QStringList kThreeDocs{QStringLiteral("Otters eat fish."), QStringLiteral("Sea otters eat urchins."),
                             QStringLiteral("Beavers build dams.")};

QJsonObject singleBody(const RerankInput &in)
{
    const auto batches = buildRerankRequests(in);
    if (batches.size() != 1)
        qFatal("expected one batch, got %d", int(batches.size()));
    return QJsonDocument::fromJson(batches.first().request.body).object();
}

QString longText(int words)
{
    QStringList parts;
    for (int i = 0; i < words; ++i)
        parts.append(QStringLiteral("word%1").arg(i % 97));
    return parts.join(u' ');
}

const QString kSim = QStringLiteral("http://127.0.0.1:4567");
} // namespace

class TestRerankWire : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void urls_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("expected");
        const QString m = QStringLiteral("m");
        auto row = [&](const char *name, const char *k, const QString &base, const QString &expected, QString model = {}) {
            QTest::newRow(name) << QString::fromLatin1(k) << base << (model.isEmpty() ? m : model) << expected;
        };
        // Vendor defaults (empty base): the "default endpoint" column of docs/providers.md,
        // "Rerankers".
        row("jina default", "jina", {}, "https://api.jina.ai/v1/rerank");
        row("novita default", "novita", {}, "https://api.novita.ai/v3/openai/rerank");
        row("gitee default", "gitee", {}, "https://ai.gitee.com/v1/rerank");
        row("jiekou default", "jiekou", {}, "https://api.jiekou.ai/openai/v1/rerank");
        row("openai default", "openai-compatible", {}, "https://api.openai.com/v1/rerank");
        row("localai default", "localai", {}, "http://localhost:8080/rerank");
        row("gpustack default", "gpustack", {}, "http://localhost/v1/rerank");
        row("siliconflow default", "siliconflow", {}, "https://api.siliconflow.cn/v1/rerank");
        row("xinference default", "xinference", {}, "http://localhost:9997/v1/rerank");
        row("cohere default", "cohere", {}, "https://api.cohere.com/v2/rerank");
        row("voyage default", "voyage", {}, "https://api.voyageai.com/v1/rerank");
        row("dashscope default", "dashscope", {},
            "https://dashscope.aliyuncs.com/api/v1/services/rerank/text-rerank/text-rerank");
        row("nvidia default", "nvidia", {}, "https://ai.api.nvidia.com/v1/retrieval/nvidia/reranking");
        row("nvidia mistral", "nvidia", {},
            "https://ai.api.nvidia.com/v1/retrieval/nvidia/nv-rerankqa-mistral-4b-v3/reranking",
            QStringLiteral("nvidia/nv-rerankqa-mistral-4b-v3"));
        row("tei default", "tei", {}, "http://localhost:8080/rerank");
        // The simulator's routes.
        row("sim jina", "jina", kSim + "/jina/v1", kSim + "/jina/v1/rerank");
        row("sim cohere", "cohere", kSim + "/cohere", kSim + "/cohere/v2/rerank");
        row("sim voyage", "voyage", kSim + "/voyage/v1", kSim + "/voyage/v1/rerank");
        row("sim xinference", "xinference", kSim + "/xinference", kSim + "/xinference/v1/rerank");
        row("sim nvidia", "nvidia", kSim + "/nvidia/v1/retrieval/nvidia/", kSim + "/nvidia/v1/retrieval/nvidia/reranking");
        row("sim tei", "tei", kSim + "/tei", kSim + "/tei/rerank");
        row("sim dashscope", "dashscope", kSim + "/dashscope",
            kSim + "/dashscope/api/v1/services/rerank/text-rerank/text-rerank");
        row("sim openai", "openai-compatible", kSim + "/openai/v1", kSim + "/openai/v1/rerank");
        // Trailing slashes and bases that already name the endpoint.
        row("jina slash", "jina", "https://api.jina.ai/v1/", "https://api.jina.ai/v1/rerank");
        row("jina slashes", "jina", "https://api.jina.ai/v1//", "https://api.jina.ai/v1/rerank");
        row("jina full", "jina", "https://api.jina.ai/v1/rerank", "https://api.jina.ai/v1/rerank");
        row("openai full", "openai-compatible", "http://vllm:8000/v1/rerank/", "http://vllm:8000/v1/rerank");
        row("localai v1", "localai", "http://localhost:8080/v1", "http://localhost:8080/rerank");
        row("localai has rerank", "localai", "http://h:8080/x/rerank", "http://h:8080/x/rerank");
        row("localai prefix", "localai", "http://h/localai", "http://h/localai/rerank");
        row("gpustack v1", "gpustack", "http://gs/v1", "http://gs/v1/rerank");
        row("siliconflow full", "siliconflow", "https://api.siliconflow.cn/v1/rerank", "https://api.siliconflow.cn/v1/rerank");
        row("xinference v1", "xinference", "http://localhost:9997/v1/", "http://localhost:9997/v1/rerank");
        row("xinference full", "xinference", "http://x:9997/v1/rerank", "http://x:9997/v1/rerank");
        row("xinference v1 prefix", "xinference", "http://x/xi/v1", "http://x/xi/v1/rerank");
        row("cohere v2", "cohere", "https://api.cohere.com/v2", "https://api.cohere.com/v2/rerank");
        row("cohere full", "cohere", "https://api.cohere.com/v2/rerank", "https://api.cohere.com/v2/rerank");
        row("nvidia no slash", "nvidia", "https://ai.api.nvidia.com/v1/retrieval/nvidia",
            "https://ai.api.nvidia.com/v1/retrieval/nvidia/reranking");
        row("nvidia full", "nvidia", "https://n/x/reranking", "https://n/x/reranking");
        row("dashscope api v1", "dashscope", "https://dashscope.aliyuncs.com/api/v1",
            "https://dashscope.aliyuncs.com/api/v1/services/rerank/text-rerank/text-rerank");
        row("tei full", "tei", "http://tei:80/rerank", "http://tei:80/rerank");
    }

    void urls()
    {
        QFETCH(QString, kind);
        QFETCH(QString, base);
        QFETCH(QString, model);
        QFETCH(QString, expected);
        QCOMPARE(rerankUrl(::kind(kind), base, model).toString(), expected);
        // The request builder posts to the same URL.
        auto in = input(kind, kThreeDocs, base);
        in.model = model;
        QCOMPARE(buildRerankRequests(in).first().request.url.toString(), expected);
    }

    void bodiesWrittenDirectlyReadAsQtWritesThem()
    {
        // The passages array is written without QJsonDocument: every string must come back as
        // it went in, escapes and all, and the rest of the object unchanged.
        const QStringList strings = {QStringLiteral("plain"), QStringLiteral("quote \" and backslash \\ and /"),
                                     QStringLiteral("lines\nand\ttabs\r\b\f"), QString(QChar(1)) + QChar(0x1f) + QChar(0x7f),
                                     QString::fromUtf8("naïve 海獭 \U0001F600"), QString(), QString(QChar(0xD800))};
        const QJsonObject small{{QStringLiteral("model"), QStringLiteral("m")}, {QStringLiteral("top_n"), 3}};
        for (const QJsonObject &object : {small, QJsonObject()}) {
            const QByteArray written = wire::compactWithStringArray(object, QLatin1StringView("documents"), strings);
            QJsonParseError error;
            const QJsonObject parsed = QJsonDocument::fromJson(written, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + QLatin1Char(' ') + written));
            QJsonObject expected = object;
            expected.insert(QStringLiteral("documents"), QJsonArray::fromStringList(strings));
            QCOMPARE(parsed, QJsonDocument::fromJson(QJsonDocument(expected).toJson()).object());
        }
    }

    void stringsAreWrittenByteForByteAsQtWritesThem()
    {
        // Long runs of plain ASCII go through eight units at a time: strings of every length and
        // mix, with what needs escaping or encoding at every offset of a block, must still come
        // out exactly as QJsonDocument writes them.
        const QList<char16_t> units = {u'a', u'Z', u'7', u' ', u'/', u'~', 0x7f, u'"', u'\\', u'\n', u'\t', 0x01, 0x1f,
                                       0xe9, 0x6d77, 0xD83D, 0xDE00, 0xDC00, 0xffff};
        QRandomGenerator random(11);
        for (int round = 0; round < 5000; ++round) {
            QString text;
            const int length = int(random.bounded(70));
            const bool mostlyPlain = round % 2 == 0;
            for (int i = 0; i < length; ++i) {
                const bool plain = mostlyPlain && random.bounded(16) != 0;
                text.append(QChar(plain ? char16_t(u'a' + random.bounded(26)) : units.at(random.bounded(int(units.size())))));
            }
            QByteArray ours("[");
            wire::appendJsonString(ours, text);
            ours.append(']');
            const QByteArray qts = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
            QVERIFY2(ours == qts, qPrintable(QStringLiteral("round %1: %2 vs %3").arg(round).arg(QString::fromUtf8(ours.toPercentEncoding()), QString::fromUtf8(qts.toPercentEncoding()))));
        }
    }

    void kindsWithoutRerankBuildNothing()
    {
        QVERIFY(rerankUrl(ProviderKind::Ollama, {}, QStringLiteral("m")).isEmpty());
        QVERIFY(buildRerankRequests(input(QStringLiteral("ollama"), kThreeDocs)).isEmpty());
        QVERIFY(buildRerankRequests(input(QStringLiteral("jina"), {})).isEmpty());
    }

    void jinaFamilyBody_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char *k : {"jina", "novita", "gitee", "jiekou", "openai-compatible", "localai", "gpustack", "siliconflow"})
            QTest::newRow(k) << QString::fromLatin1(k);
    }

    void jinaFamilyBody()
    {
        QFETCH(QString, kind);
        const auto in = input(kind, kThreeDocs);
        const QJsonObject body = singleBody(in);
        QCOMPARE(body.value("model").toString(), QStringLiteral("rerank-model"));
        QCOMPARE(body.value("query").toString(), in.query);
        QCOMPARE(body.value("documents").toArray(), QJsonArray::fromStringList(kThreeDocs));
        QVERIFY(body.value("top_n").isDouble());
        QCOMPARE(body.value("top_n").toInt(), 3);
        QVERIFY(buildRerankRequests(in).first().request.sendAuth);
        const bool silicon = kind == u"siliconflow";
        QCOMPARE(body.contains("max_chunks_per_doc"), silicon);
        if (silicon) {
            QCOMPARE(body.value("return_documents"), QJsonValue(false));
            QCOMPARE(body.value("max_chunks_per_doc").toInt(), 1024);
            QCOMPARE(body.value("overlap_tokens").toInt(), 80);
        }
    }

    void localAiDropsModelSuffix()
    {
        auto in = input(QStringLiteral("localai"), kThreeDocs);
        in.model = QStringLiteral("bge-reranker___LocalAI");
        QCOMPARE(singleBody(in).value("model").toString(), QStringLiteral("bge-reranker"));
    }

    void xinferenceBody()
    {
        const auto in = input(QStringLiteral("xinference"), kThreeDocs);
        const QJsonObject body = singleBody(in);
        QCOMPARE(body.value("return_documents"), QJsonValue(QStringLiteral("true"))); // strings, not booleans
        QCOMPARE(body.value("return_len"), QJsonValue(QStringLiteral("true")));
        QVERIFY(!body.contains("top_n"));
        QCOMPARE(body.value("documents").toArray().size(), 3);
        QVERIFY(!buildRerankRequests(in).first().request.sendAuth);
    }

    void cohereVoyageDashScopeNvidiaBodies()
    {
        const QJsonObject cohere = singleBody(input(QStringLiteral("cohere"), kThreeDocs));
        QCOMPARE(cohere.value("return_documents"), QJsonValue(false));
        QCOMPARE(cohere.value("top_n").toInt(), 3);

        const QJsonObject voyage = singleBody(input(QStringLiteral("voyage"), kThreeDocs));
        QCOMPARE(voyage.value("top_k").toInt(), 3);
        QVERIFY(!voyage.contains("top_n"));
        QCOMPARE(voyage.value("documents").toArray().size(), 3);

        const QJsonObject dash = singleBody(input(QStringLiteral("dashscope"), kThreeDocs));
        QCOMPARE(dash.value("model").toString(), QStringLiteral("rerank-model"));
        QCOMPARE(dash.value("input")["query"].toString(), QStringLiteral("what do otters eat"));
        QCOMPARE(dash.value("input")["documents"].toArray(), QJsonArray::fromStringList(kThreeDocs));
        QCOMPARE(dash.value("parameters")["top_n"].toInt(), 3);
        QCOMPARE(dash.value("parameters")["return_documents"], QJsonValue(false));
        QVERIFY(!dash.contains("query") && !dash.contains("documents"));

        const QJsonObject nv = singleBody(input(QStringLiteral("nvidia"), kThreeDocs));
        QCOMPARE(nv.value("query")["text"].toString(), QStringLiteral("what do otters eat"));
        QCOMPARE(nv.value("passages").toArray().size(), 3);
        QCOMPARE(nv.value("passages")[1]["text"].toString(), kThreeDocs.at(1));
        QCOMPARE(nv.value("truncate").toString(), QStringLiteral("END"));
        QCOMPARE(nv.value("top_n").toInt(), 3);
    }

    void truncation_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("limit"); // 0: sent as is
        QTest::newRow("jina") << "jina" << 8192;
        QTest::newRow("gitee") << "gitee" << 8192;
        QTest::newRow("openai") << "openai-compatible" << 500;
        QTest::newRow("xinference") << "xinference" << 4096;
        QTest::newRow("cohere") << "cohere" << 0;
        QTest::newRow("nvidia") << "nvidia" << 0;
    }

    void truncation()
    {
        QFETCH(QString, kind);
        QFETCH(int, limit);
        const QString longDoc = longText(9000) + QStringLiteral(" 海獭🦦");
        const QString shortDoc = QStringLiteral("short text");
        const auto in = input(kind, {longDoc, shortDoc});
        const QJsonObject body = singleBody(in);
        const QJsonArray sent = kind == u"nvidia" ? QJsonArray{body["passages"][0]["text"], body["passages"][1]["text"]}
                                                  : body.value("documents").toArray();
        QCOMPARE(sent.at(1).toString(), shortDoc);
        const QString first = sent.at(0).toString();
        if (limit == 0) {
            QCOMPARE(first, longDoc);
            return;
        }
        QVERIFY(longDoc.startsWith(first));
        const int tokens = rag::text::countTokens(first);
        QVERIFY2(tokens <= limit && tokens >= limit - 2, qPrintable(QString::number(tokens)));
        QCOMPARE(countRerankTokens(in), qint64(rag::text::countTokens(in.query) + tokens + 2));
    }

    void truncationNeverSplitsASurrogatePair()
    {
        QString emoji;
        for (int i = 0; i < 600; ++i)
            emoji += QStringLiteral("🦦");
        const QJsonObject body = singleBody(input(QStringLiteral("openai-compatible"), {emoji}));
        const QString sent = body.value("documents")[0].toString();
        QCOMPARE(rag::text::countTokens(sent), 500);
        QVERIFY(!sent.back().isHighSurrogate());
    }

    void teiBatches()
    {
        QStringList docs;
        for (int i = 0; i < 20; ++i)
            docs.append(QStringLiteral("doc %1").arg(i));
        const auto in = input(QStringLiteral("tei"), docs, kSim + "/tei");
        const auto batches = buildRerankRequests(in);
        QCOMPARE(batches.size(), 3);
        QList<RerankReply> replies;
        for (int b = 0; b < 3; ++b) {
            const RerankBatch &batch = batches.at(b);
            QCOMPARE(batch.offset, b * 8);
            QCOMPARE(batch.count, b < 2 ? 8 : 4);
            QCOMPARE(batch.request.url.toString(), kSim + "/tei/rerank");
            QVERIFY(!batch.request.sendAuth);
            const QJsonObject body = QJsonDocument::fromJson(batch.request.body).object();
            QCOMPARE(body.value("query").toString(), in.query);
            QCOMPARE(body.value("texts").toArray(), QJsonArray::fromStringList(docs.mid(b * 8, batch.count)));
            QCOMPARE(body.value("raw_scores"), QJsonValue(false));
            QCOMPARE(body.value("truncate"), QJsonValue(true));
            QVERIFY(!body.contains("model"));
            // Each batch answers with local indices, best first; score = global index / 100.
            QJsonArray reply;
            for (int i = batch.count - 1; i >= 0; --i)
                reply.append(QJsonObject{{"index", i}, {"score", (batch.offset + i) / 100.0}});
            auto parsed = parseRerankReply(ProviderKind::Tei, QJsonDocument(reply).toJson(), batch.count);
            QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
            replies.append(*parsed);
        }
        const QList<double> scores = combineRerankScores(20, batches, replies);
        QCOMPARE(scores.size(), 20);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(scores.at(i), i / 100.0); // all in [0, 1]: kept, placed by offset + index
    }

    void combineNormalisesAcrossBatchesAndZeroesMissing()
    {
        QList<RerankBatch> batches{RerankBatch{{}, 0, 2}, RerankBatch{{}, 2, 2}};
        QList<RerankReply> replies{RerankReply{{{0, -4.0}, {1, 0.0}}, {}}, RerankReply{{{1, 4.0}}, {}}};
        // Document 2 got no score: normalised 0. Min-max over all returned logits [-4, 4].
        QCOMPARE(combineRerankScores(4, batches, replies), (QList<double>{0.0, 0.5, 0.0, 1.0}));
        // In-range scores are kept; the missing one is 0, not the minimum.
        replies = {RerankReply{{{0, 0.7}, {1, 0.6}}, {}}, RerankReply{{{0, 0.9}}, {}}};
        QCOMPARE(combineRerankScores(4, batches, replies), (QList<double>{0.7, 0.6, 0.9, 0.0}));
        // An index beyond a batch (a hand-made reply) never writes into the next batch.
        replies = {RerankReply{{{2, 0.5}}, {}}, RerankReply{}};
        QCOMPARE(combineRerankScores(4, batches, replies), (QList<double>{0, 0, 0, 0}));
    }

    void normalisation_data()
    {
        QTest::addColumn<QList<double>>("raw");
        QTest::addColumn<QList<double>>("expected");
        QTest::newRow("empty") << QList<double>{} << QList<double>{};
        QTest::newRow("in range kept") << QList<double>{0.1, 0.9, 0.5, 0.0, 1.0} << QList<double>{0.1, 0.9, 0.5, 0.0, 1.0};
        QTest::newRow("logits min-max") << QList<double>{-2.0, 0.0, 2.0, 1.0} << QList<double>{0.0, 0.5, 1.0, 0.75};
        QTest::newRow("above one") << QList<double>{0.5, 1.5} << QList<double>{0.0, 1.0};
        QTest::newRow("near-constant high clipped") << QList<double>{3.0, 3.0005} << QList<double>{1.0, 1.0};
        QTest::newRow("near-constant low clipped") << QList<double>{-5.0, -5.0001} << QList<double>{0.0, 0.0};
        QTest::newRow("single logit clipped") << QList<double>{7.0} << QList<double>{1.0};
        QTest::newRow("single in range") << QList<double>{0.3} << QList<double>{0.3};
        QTest::newRow("non-finite is 0") << QList<double>{qQNaN(), -1.0, 1.0} << QList<double>{0.0, 0.0, 1.0};
    }

    void normalisation()
    {
        QFETCH(QList<double>, raw);
        QFETCH(QList<double>, expected);
        QCOMPARE(normalizeScores(raw), expected);
    }

    void replies_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QList<double>>("scores"); // by index; -1: not returned
        QTest::addColumn<qint64>("tokens");        // -1: none reported
        QTest::newRow("jina") << "jina"
            << QByteArray(R"({"model":"m","usage":{"total_tokens":42},"results":[{"index":2,"relevance_score":0.9,"document":{"text":"x"}},{"index":0,"relevance_score":0.1}]})")
            << QList<double>{0.1, -1, 0.9} << qint64(42);
        QTest::newRow("openai 1.0 index") << "openai-compatible"
            << QByteArray(R"({"results":[{"index":1.0,"relevance_score":-3.5},{"index":0,"relevance_score":2}]})")
            << QList<double>{2, -3.5, -1} << qint64(-1);
        QTest::newRow("siliconflow") << "siliconflow"
            << QByteArray(R"({"id":"x","results":[{"index":0,"relevance_score":0.5}],"meta":{"tokens":{"input_tokens":11,"output_tokens":0}}})")
            << QList<double>{0.5, -1, -1} << qint64(11);
        QTest::newRow("xinference meta.tokens") << "xinference"
            << QByteArray(R"({"id":"x","results":[{"index":0,"relevance_score":0.2,"document":{"text":"a"}}],"meta":{"api_version":null,"billed_units":null,"tokens":{"input_tokens":30,"output_tokens":2},"warnings":null}})")
            << QList<double>{0.2, -1, -1} << qint64(32);
        QTest::newRow("cohere search units") << "cohere"
            << QByteArray(R"({"id":"x","results":[{"index":1,"relevance_score":0.25}],"meta":{"api_version":{"version":"2"},"billed_units":{"search_units":1}}})")
            << QList<double>{-1, 0.25, -1} << qint64(-1);
        QTest::newRow("cohere billed tokens") << "cohere"
            << QByteArray(R"({"results":[{"index":1,"relevance_score":0.25}],"meta":{"billed_units":{"input_tokens":17}}})")
            << QList<double>{-1, 0.25, -1} << qint64(17);
        QTest::newRow("voyage") << "voyage"
            << QByteArray(R"({"object":"list","data":[{"relevance_score":0.4,"index":1},{"relevance_score":0.3,"index":2}],"model":"rerank-2","usage":{"total_tokens":9}})")
            << QList<double>{-1, 0.4, 0.3} << qint64(9);
        QTest::newRow("dashscope") << "dashscope"
            << QByteArray(R"({"output":{"results":[{"index":0,"relevance_score":0.6}]},"usage":{"total_tokens":5},"request_id":"r"})")
            << QList<double>{0.6, -1, -1} << qint64(5);
        QTest::newRow("nvidia logits") << "nvidia"
            << QByteArray(R"({"rankings":[{"index":2,"logit":4.25},{"index":0,"logit":-7.5},{"index":1,"logit":0}]})")
            << QList<double>{-7.5, 0, 4.25} << qint64(-1);
        QTest::newRow("tei") << "tei" << QByteArray(R"([{"index":1,"score":0.99},{"index":0,"score":0.01}])")
            << QList<double>{0.01, 0.99, -1} << qint64(-1);
        QTest::newRow("empty results") << "jina" << QByteArray(R"({"results":[]})") << QList<double>{-1, -1, -1} << qint64(-1);
    }

    void replies()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        QFETCH(QList<double>, scores);
        QFETCH(qint64, tokens);
        const auto reply = parseRerankReply(::kind(kind), body, 3);
        QVERIFY2(reply.ok(), qPrintable(reply.ok() ? QString() : reply.error()));
        QList<double> byIndex(3, -1);
        for (const auto &[index, score] : reply->scores)
            byIndex[index] = score;
        QCOMPARE(byIndex, scores);
        QCOMPARE(reply->totalTokens.value_or(-1), tokens);
    }

    void malformedReplies_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << "jina" << QByteArray("<html>502 Bad Gateway</html>") << "not JSON";
        QTest::newRow("empty") << "cohere" << QByteArray() << "empty body";
        QTest::newRow("truncated") << "voyage" << QByteArray(R"({"data":[{"index":0,)") << "not JSON";
        QTest::newRow("no results") << "jina" << QByteArray(R"({"data":[]})") << "\"results\"";
        QTest::newRow("results not array") << "siliconflow" << QByteArray(R"({"results":{"index":0}})") << "\"results\"";
        QTest::newRow("error object") << "jina" << QByteArray(R"({"error":{"message":"model not found"}})") << "model not found";
        QTest::newRow("dashscope error") << "dashscope" << QByteArray(R"({"code":"InvalidApiKey","message":"Invalid API-key provided."})")
                                         << "Invalid API-key";
        QTest::newRow("voyage uses results") << "voyage" << QByteArray(R"({"results":[]})") << "\"data\"";
        QTest::newRow("dashscope flat") << "dashscope" << QByteArray(R"({"results":[]})") << "output.results";
        QTest::newRow("tei object") << "tei" << QByteArray(R"({"error":"Input validation error","error_type":"Validation"})")
                                    << "Input validation error";
        QTest::newRow("item not object") << "jina" << QByteArray(R"({"results":[1,2]})") << "not an object";
        QTest::newRow("index string") << "jina" << QByteArray(R"({"results":[{"index":"0","relevance_score":1}]})") << "index";
        QTest::newRow("index fraction") << "jina" << QByteArray(R"({"results":[{"index":0.5,"relevance_score":1}]})") << "index";
        QTest::newRow("index negative") << "cohere" << QByteArray(R"({"results":[{"index":-1,"relevance_score":1}]})") << "outside";
        QTest::newRow("index == count") << "tei" << QByteArray(R"([{"index":3,"score":1}])") << "outside";
        QTest::newRow("duplicate") << "nvidia" << QByteArray(R"({"rankings":[{"index":1,"logit":1},{"index":1,"logit":2}]})") << "repeats";
        QTest::newRow("score string") << "jina" << QByteArray(R"({"results":[{"index":0,"relevance_score":"0.5"}]})") << "relevance_score";
        QTest::newRow("score null") << "xinference" << QByteArray(R"({"results":[{"index":0,"relevance_score":null}]})") << "numeric";
        QTest::newRow("score missing") << "nvidia" << QByteArray(R"({"rankings":[{"index":0,"score":1}]})") << "logit";
        QTest::newRow("score overflow") << "jina" << QByteArray(R"({"results":[{"index":0,"relevance_score":1e999}]})") << "not JSON";
    }

    void malformedReplies()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const auto reply = parseRerankReply(::kind(kind), body, 3);
        QVERIFY(!reply.ok());
        QVERIFY2(reply.error().startsWith(kind + QStringLiteral(" rerank reply")), qPrintable(reply.error()));
        QVERIFY2(reply.error().contains(mentions), qPrintable(reply.error()));
    }
};

QTEST_GUILESS_MAIN(TestRerankWire)
#include "tst_rerank_wire.moc"
