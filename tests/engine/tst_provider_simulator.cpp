// The provider simulator over real loopback HTTP: every route answers in its provider's format,
// rankings follow term overlap, streams parse, and profiles drive latency and faults.
#include "providers/sim/provider_simulator.h"
#include "providers/wire/sse_parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>
#include <vector>

using rag::sim::EndpointBehaviour;
using rag::sim::Fault;
using rag::sim::LatencyModel;
using rag::sim::ProviderSimulator;
using rag::sim::SimulatorProfile;

namespace {

struct Answer {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QByteArray> pieces; // as readyRead delivered them
    QHash<QByteArray, QByteArray> headers;
    bool finished = false;

    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

SimulatorProfile profileFrom(const QByteArray &text)
{
    auto profile = SimulatorProfile::fromJson(text);
    if (!profile)
        qFatal("bad test profile: %s", qPrintable(profile.error()));
    return *profile;
}

// One request through QNAM; waits (spinning the event loop the simulator runs on) for the end.
class Client {
public:
    explicit Client(const ProviderSimulator &sim) : m_base(sim.baseUrl()) {}

    QNetworkReply *start(const QByteArray &path, const QByteArray &body, const QByteArray &method = "POST",
                         int transferTimeoutMs = 0)
    {
        QNetworkRequest request(m_base.resolved(QUrl(QString::fromLatin1(path))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setRawHeader("Authorization", "Bearer test-key");
        if (transferTimeoutMs > 0)
            request.setTransferTimeout(transferTimeoutMs);
        return m_nam.sendCustomRequest(request, method, body);
    }

    static Answer collect(QNetworkReply *reply, int waitMs = 15000)
    {
        Answer answer;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, &answer] {
            const QByteArray piece = reply->readAll();
            answer.pieces.append(piece);
            answer.body += piece;
        });
        if (!reply->isFinished()) {
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(waitMs);
        }
        answer.finished = reply->isFinished();
        if (reply->isOpen()) // a reply aborted by its transfer timeout is closed
            answer.body += reply->readAll();
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.error = reply->error();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            answer.headers.insert(name.toLower(), value);
        reply->deleteLater();
        return answer;
    }

    Answer post(const QByteArray &path, const QByteArray &body, int transferTimeoutMs = 0)
    {
        return collect(start(path, body, "POST", transferTimeoutMs));
    }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};

const QString kQuery = QStringLiteral("how do sea otters keep warm");
const QStringList kDocs{
    QStringLiteral("Stock markets closed higher on Friday."),
    QStringLiteral("Sea otters keep warm with the densest fur of any animal."),
    QStringLiteral("Otters live along the coast."),
};

// Results as (index, score) in reply order.
QList<std::pair<int, double>> pairs(const QJsonArray &items, const QString &scoreKey)
{
    QList<std::pair<int, double>> out;
    for (const QJsonValue &item : items)
        out.append({item[QStringLiteral("index")].toInt(-1), item[scoreKey].toDouble(NAN)});
    return out;
}

void verifyRanking(const QList<std::pair<int, double>> &ranked, int expectedCount, bool unitInterval)
{
    QCOMPARE(ranked.size(), expectedCount);
    QCOMPARE(ranked.first().first, 1); // shares every query term
    for (qsizetype i = 0; i < ranked.size(); ++i) {
        QVERIFY(ranked.at(i).first >= 0 && ranked.at(i).first < kDocs.size());
        QVERIFY(!std::isnan(ranked.at(i).second));
        if (unitInterval)
            QVERIFY(ranked.at(i).second >= 0 && ranked.at(i).second <= 1);
        if (i > 0)
            QVERIFY(ranked.at(i - 1).second >= ranked.at(i).second);
    }
}

double norm(const QJsonArray &vector)
{
    double sum = 0;
    for (const QJsonValue &v : vector)
        sum += v.toDouble() * v.toDouble();
    return std::sqrt(sum);
}

const QJsonArray kDocsJson = QJsonArray::fromStringList(kDocs);

} // namespace

class TestProviderSimulator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rootListsRoutesAndUnknownOnesAre404()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer list = Client::collect(client.start("/", {}, "GET"));
        QCOMPARE(list.status, 200);
        QStringList listed;
        for (const QJsonValue &route : list.object()[QStringLiteral("routes")].toArray())
            listed.append(route[QStringLiteral("path")].toString());
        QCOMPARE(listed, ProviderSimulator::routes());
        QVERIFY(listed.contains(QStringLiteral("/dashscope/api/v1/services/rerank/text-rerank/text-rerank")));
        QCOMPARE(listed.size(), 14);

        const Answer missing = client.post("/nope/v1/rerank", "{}");
        QCOMPARE(missing.status, 404);
        QVERIFY(missing.object()[QStringLiteral("error")][QStringLiteral("message")].isString());
        const Answer wrongMethod = Client::collect(client.start("/jina/v1/rerank", {}, "GET"));
        QCOMPARE(wrongMethod.status, 405);
        QCOMPARE(wrongMethod.headers.value("allow"), QByteArray("POST"));
    }

    void jinaFamilyRerank_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("jina") << QByteArray("/jina/v1/rerank");
        QTest::newRow("openai-compatible") << QByteArray("/openai/v1/rerank");
    }

    void jinaFamilyRerank()
    {
        QFETCH(QByteArray, path);
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        // SiliconFlow's extra fields ride along on the same route.
        const QByteArray request = json({{"model", "jina-reranker-v2"}, {"query", kQuery}, {"documents", kDocsJson},
                                         {"top_n", 2}, {"return_documents", false}, {"max_chunks_per_doc", 1024},
                                         {"overlap_tokens", 80}});
        const Answer answer = client.post(path, request);
        QCOMPARE(answer.status, 200);
        verifyRanking(pairs(answer.object()[u"results"].toArray(), "relevance_score"), 2, true);
        QVERIFY(answer.object()[u"usage"][u"total_tokens"].toInt() > 0);
        QCOMPARE(sim.lastRequestBody(path), request);
        QCOMPARE(sim.lastRequestHeader(path, "authorization"), QByteArray("Bearer test-key"));
    }

    void cohereVoyageDashscopeRerank()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer cohere = client.post("/cohere/v2/rerank", json({{"model", "rerank-v3.5"}, {"query", kQuery},
                                                                     {"documents", kDocsJson}, {"top_n", 3},
                                                                     {"return_documents", false}}));
        QCOMPARE(cohere.status, 200);
        verifyRanking(pairs(cohere.object()[u"results"].toArray(), "relevance_score"), 3, true);
        QVERIFY(cohere.object()[u"meta"][u"billed_units"].isObject());

        const Answer voyage = client.post("/voyage/v1/rerank", json({{"model", "rerank-2"}, {"query", kQuery},
                                                                     {"documents", kDocsJson}, {"top_k", 1}}));
        QCOMPARE(voyage.status, 200);
        verifyRanking(pairs(voyage.object()[u"data"].toArray(), "relevance_score"), 1, true);
        QVERIFY(voyage.object()[u"usage"][u"total_tokens"].toInt() > 0);
        const Answer voyageTopN = client.post("/voyage/v1/rerank", json({{"query", kQuery}, {"documents", kDocsJson},
                                                                         {"top_n", 1}}));
        QCOMPARE(voyageTopN.status, 400);

        const Answer dash = client.post(
            "/dashscope/api/v1/services/rerank/text-rerank/text-rerank",
            json({{"model", "gte-rerank"}, {"input", QJsonObject{{"query", kQuery}, {"documents", kDocsJson}}},
                  {"parameters", QJsonObject{{"top_n", 3}, {"return_documents", false}}}}));
        QCOMPARE(dash.status, 200);
        verifyRanking(pairs(dash.object()[u"output"][u"results"].toArray(), "relevance_score"), 3, true);
        QVERIFY(dash.object()[u"usage"][u"total_tokens"].toInt() > 0);
    }

    void xinferenceNeedsStringFlags()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer good = client.post("/xinference/v1/rerank",
                                        json({{"model", "bge-reranker"}, {"query", kQuery}, {"documents", kDocsJson},
                                              {"return_documents", "true"}, {"return_len", "true"}}));
        QCOMPARE(good.status, 200);
        const QJsonArray results = good.object()[u"results"].toArray();
        verifyRanking(pairs(results, "relevance_score"), 3, true); // no top_n: every document
        QCOMPARE(results.first()[u"document"][u"text"].toString(), kDocs.at(1));
        QVERIFY(good.object()[u"meta"][u"tokens"][u"input_tokens"].toInt() > 0);
        QCOMPARE(sim.counters().badRequests.load(), 0);

        const Answer booleans = client.post("/xinference/v1/rerank",
                                            json({{"query", kQuery}, {"documents", kDocsJson},
                                                  {"return_documents", true}, {"return_len", true}}));
        QCOMPARE(booleans.status, 400);
        QVERIFY(booleans.object()[u"error"][u"message"].toString().contains("return_documents"));
        const Answer topN = client.post("/xinference/v1/rerank",
                                        json({{"query", kQuery}, {"documents", kDocsJson}, {"return_documents", "true"},
                                              {"return_len", "true"}, {"top_n", 3}}));
        QCOMPARE(topN.status, 400);
        QCOMPARE(sim.counters().badRequests.load(), 2);
    }

    void nvidiaReturnsUnboundedLogits()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        QJsonArray passages;
        for (const QString &doc : kDocs)
            passages.append(QJsonObject{{"text", doc}});
        for (const QByteArray &path : {QByteArray("/nvidia/v1/retrieval/nvidia/reranking"),
                                      QByteArray("/nvidia/v1/retrieval/nvidia/nv-rerankqa-mistral-4b-v3/reranking")}) {
            const Answer answer = client.post(path, json({{"model", "nvidia/nv-rerankqa-mistral-4b-v3"},
                                                          {"query", QJsonObject{{"text", kQuery}}},
                                                          {"passages", passages}, {"truncate", "END"}, {"top_n", 3}}));
            QCOMPARE(answer.status, 200);
            const auto ranked = pairs(answer.object()[u"rankings"].toArray(), "logit");
            verifyRanking(ranked, 3, false);
            QVERIFY(ranked.last().second < 0); // the unrelated text: a negative logit, outside [0, 1]
            QVERIFY(ranked.first().second > 1);
        }
    }

    void teiRerankAndEmbed()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer rerank = client.post("/tei/rerank", json({{"query", kQuery}, {"texts", kDocsJson},
                                                               {"raw_scores", false}, {"truncate", true}}));
        QCOMPARE(rerank.status, 200);
        verifyRanking(pairs(rerank.array(), "score"), 3, true);

        QStringList many;
        for (int i = 0; i < 33; ++i)
            many.append(QStringLiteral("text %1").arg(i));
        const Answer tooMany = client.post("/tei/rerank", json({{"query", kQuery}, {"texts", QJsonArray::fromStringList(many)}}));
        QCOMPARE(tooMany.status, 413);
        QCOMPARE(tooMany.object()[u"error_type"].toString(), QStringLiteral("Validation"));

        const Answer embed = client.post("/tei/embed", json({{"inputs", QJsonArray{"sea otters", "stock markets", "sea otters"}},
                                                             {"truncate", true}}));
        QCOMPARE(embed.status, 200);
        const QJsonArray vectors = embed.array();
        QCOMPARE(vectors.size(), 3);
        QCOMPARE(vectors.at(0).toArray().size(), 64);
        QVERIFY(std::abs(norm(vectors.at(1).toArray()) - 1.0) < 1e-9);
        QCOMPARE(vectors.at(0), vectors.at(2)); // deterministic
        QVERIFY(vectors.at(0) != vectors.at(1));
    }

    void openAiAndOllamaEmbeddings()
    {
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer openai = client.post("/openai/v1/embeddings", json({{"model", "text-embedding-3-small"},
                                                                         {"input", QJsonArray{"alpha beta", "gamma"}}}));
        QCOMPARE(openai.status, 200);
        const QJsonArray data = openai.object()[u"data"].toArray();
        QCOMPARE(data.size(), 2);
        QCOMPARE(data.at(1)[u"index"].toInt(), 1);
        QCOMPARE(data.at(0)[u"embedding"].toArray().size(), 64);
        QVERIFY(std::abs(norm(data.at(0)[u"embedding"].toArray()) - 1.0) < 1e-9);
        QVERIFY(openai.object()[u"usage"][u"total_tokens"].toInt() > 0);

        const Answer ollama = client.post("/ollama/api/embed", json({{"model", "nomic-embed-text"}, {"input", "alpha beta"}}));
        QCOMPARE(ollama.status, 200);
        const QJsonArray embeddings = ollama.object()[u"embeddings"].toArray();
        QCOMPARE(embeddings.size(), 1);
        QCOMPARE(embeddings.at(0), data.at(0)[u"embedding"]); // same text, same vector on every route
    }

    void openAiChatStreamsSseEndingWithDone()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"chat": {"stream_tokens": 10, "tokens_per_event": 3}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const QByteArray request = json({{"model", "gpt-sim"}, {"stream", true},
                                         {"stream_options", QJsonObject{{"include_usage", true}}},
                                         {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be brief."}},
                                                                 QJsonObject{{"role", "user"},
                                                                             {"content", "Why do otters hold hands?"}}}}});
        const Answer answer = client.post("/openai/v1/chat/completions", request);
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.headers.value("content-type").startsWith("text/event-stream"));
        rag::providers::SseParser parser;
        QList<rag::providers::SseEvent> events;
        for (const QByteArray &piece : answer.pieces)
            events += parser.feed(piece);
        QVERIFY(!parser.finish());
        QVERIFY(events.size() >= 4);
        QCOMPARE(events.last().data, QStringLiteral("[DONE]"));
        const QJsonObject first = QJsonDocument::fromJson(events.first().data.toUtf8()).object();
        QCOMPARE(first[u"choices"][0][u"delta"][u"role"].toString(), QStringLiteral("assistant"));
        QCOMPARE(first[u"choices"][0][u"delta"][u"content"].toString(), QString());
        QString text;
        QString finishReason;
        QJsonObject usage;
        int contentEvents = 0;
        for (qsizetype i = 1; i + 1 < events.size(); ++i) {
            const QJsonObject chunk = QJsonDocument::fromJson(events.at(i).data.toUtf8()).object();
            QCOMPARE(chunk[u"object"].toString(), QStringLiteral("chat.completion.chunk"));
            const QJsonValue choice = chunk[u"choices"][0];
            if (!choice[u"delta"][u"content"].toString().isEmpty()) {
                text += choice[u"delta"][u"content"].toString();
                ++contentEvents;
            }
            if (choice[u"finish_reason"].isString())
                finishReason = choice[u"finish_reason"].toString();
            if (chunk[u"usage"].isObject())
                usage = chunk[u"usage"].toObject();
        }
        QCOMPARE(text.split(u' ').size(), 10); // stream_tokens words
        QCOMPARE(contentEvents, 4);            // 3 + 3 + 3 + 1
        QVERIFY(text.contains(QStringLiteral("otters")));
        QCOMPARE(finishReason, QStringLiteral("stop"));
        QCOMPARE(usage[u"completion_tokens"].toInt(), 10);
        QVERIFY(usage[u"prompt_tokens"].toInt() > 0);

        QJsonObject plain = QJsonDocument::fromJson(request).object();
        plain.insert("stream", false);
        const Answer whole = client.post("/openai/v1/chat/completions", json(plain));
        QCOMPARE(whole.status, 200);
        QCOMPARE(whole.object()[u"choices"][0][u"message"][u"content"].toString(), text);
        QCOMPARE(whole.object()[u"usage"][u"total_tokens"].toInt(), usage[u"total_tokens"].toInt());
    }

    void ollamaChatStreamsNdjsonEndingWithDone()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"chat": {"stream_tokens": 8, "tokens_per_event": 2}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const QJsonArray messages{QJsonObject{{"role", "user"}, {"content", "Tell me about kelp forests"}}};
        const Answer answer = client.post("/ollama/api/chat", json({{"model", "llama3"}, {"messages", messages}}));
        QCOMPARE(answer.status, 200);
        QList<QByteArray> lines = answer.body.split('\n');
        QVERIFY(lines.last().isEmpty()); // every line ends with LF
        lines.removeLast();
        QCOMPARE(lines.size(), 5); // 4 content lines + the final one
        QString text;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QJsonObject line = QJsonDocument::fromJson(lines.at(i)).object();
            QCOMPARE(line[u"done"].toBool(), i == lines.size() - 1);
            text += line[u"message"][u"content"].toString();
        }
        QCOMPARE(text.split(u' ').size(), 8);
        const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(last[u"eval_count"].toInt(), 8);
        QVERIFY(last[u"prompt_eval_count"].toInt() > 0);
        QVERIFY(last[u"eval_duration"].toDouble() > 0);
        QVERIFY(last[u"total_duration"].toDouble() >= last[u"eval_duration"].toDouble());

        const Answer whole = client.post("/ollama/api/chat", json({{"model", "llama3"}, {"messages", messages}, {"stream", false}}));
        QCOMPARE(whole.status, 200);
        QVERIFY(whole.object()[u"done"].toBool());
        QCOMPARE(whole.object()[u"message"][u"content"].toString(), text);
    }

    void streamEventsArePacedByTokenRate()
    {
        // 6 tokens, 2 per event, 20 tokens/s: three content events 100 ms apart.
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"chat": {"stream_tokens": 6, "tokens_per_event": 2,
                                                                     "tokens_per_s": 20}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        QElapsedTimer clock;
        clock.start();
        const Answer answer = client.post("/ollama/api/chat",
                                          json({{"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "pace"}}}}}));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.body.count('\n'), 4);
        // Timers never fire early: two intervals separate the first and last content events.
        QVERIFY2(clock.elapsed() >= 190, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(answer.pieces.size() >= 2); // delivered as it was produced, not in one block
    }

    void badBodiesGetProviderStyleErrors_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("style");
        QTest::newRow("jina not json") << QByteArray("/jina/v1/rerank") << QByteArray("query=otters") << "openai";
        QTest::newRow("jina no documents") << QByteArray("/jina/v1/rerank") << QByteArray(R"({"query":"q"})") << "openai";
        QTest::newRow("cohere no query") << QByteArray("/cohere/v2/rerank") << QByteArray(R"({"documents":[u"a"]})") << "cohere";
        QTest::newRow("ollama chat") << QByteArray("/ollama/api/chat") << QByteArray(R"({"messages":"hi"})") << "ollama";
        QTest::newRow("openai chat") << QByteArray("/openai/v1/chat/completions") << QByteArray("[]") << "openai";
        QTest::newRow("tei embed") << QByteArray("/tei/embed") << QByteArray(R"({"inputs":[1,2]})") << "tei";
        QTest::newRow("dashscope") << QByteArray("/dashscope/api/v1/services/rerank/text-rerank/text-rerank")
                                   << QByteArray(R"({"query":"q","documents":[u"a"]})") << "dashscope";
    }

    void badBodiesGetProviderStyleErrors()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, style);
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer answer = client.post(path, body);
        QCOMPARE(answer.status, 400);
        const QJsonObject error = answer.object();
        if (style == u"openai")
            QVERIFY(error[u"error"][u"message"].isString() && error[u"error"][u"type"].isString() && !error[u"error"][u"code"].isUndefined());
        else if (style == u"cohere")
            QVERIFY(error[u"message"].isString());
        else if (style == u"ollama" || style == u"tei")
            QVERIFY(error[u"error"].isString());
        else
            QVERIFY(error[u"message"].isString() && error[u"code"].isString());
        QCOMPARE(sim.counters().badRequests.load(), 1);
        QCOMPARE(sim.counters().requests.load(), 1);
        QCOMPARE(sim.counters().inFlight.load(), 0);
    }

    void profilesParseAndNameBadKeys()
    {
        const QByteArray example = R"({"seed": 7, "endpoints": {
            "rerank": {"latency": {"model": "lognormal", "median_ms": 250, "p99_ms": 500},
                       "faults": [{"kind": "status", "status": 503, "rate": 0.01},
                                  {"kind": "retry_after", "retry_after_s": 1, "rate": 0.01},
                                  {"kind": "hang", "rate": 0.001}, {"kind": "reset", "rate": 0.001},
                                  {"kind": "malformed", "rate": 0.001}]},
            "embed": {"latency": {"model": "uniform", "min_ms": 20, "max_ms": 50}},
            "chat": {"latency": {"model": "lognormal", "median_ms": 200, "p99_ms": 400}, "stream_tokens": 64,
                     "tokens_per_s": 40, "tokens_per_event": 4, "faults": [{"kind": "truncate", "rate": 0.01}]},
            "/tei/rerank": {"latency": {"model": "fixed", "ms": 10}}}})";
        const auto parsed = SimulatorProfile::fromJson(example);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
        QCOMPARE(parsed->seed(), quint64(7));
        const EndpointBehaviour rerank = parsed->behaviour("rerank", "/jina/v1/rerank");
        QCOMPARE(rerank.latency.kind, LatencyModel::Kind::LogNormal);
        QCOMPARE(rerank.faults.size(), 5);
        QCOMPARE(rerank.faults.at(1).kind, Fault::Kind::RetryAfter);
        QCOMPARE(rerank.faults.at(1).status, 429);
        const EndpointBehaviour tei = parsed->behaviour("rerank", "/tei/rerank"); // the route overrides its group
        QCOMPARE(tei.latency.kind, LatencyModel::Kind::Fixed);
        QCOMPARE(tei.latency.fixedMs, 10.0);
        QVERIFY(tei.faults.isEmpty());
        QCOMPARE(parsed->endpointKey("rerank", "/tei/rerank"), QByteArray("/tei/rerank"));
        QCOMPARE(parsed->endpointKey("rerank", "/cohere/v2/rerank"), QByteArray("rerank"));
        const EndpointBehaviour chat = parsed->behaviour("chat", "/ollama/api/chat");
        QCOMPARE(chat.tokensPerSecond, 40.0);
        QCOMPARE(chat.faults.first().kind, Fault::Kind::Truncate);

        const QList<std::pair<QByteArray, QString>> bad{
            {"{not json", "not valid JSON"},
            {"[]", "JSON object"},
            {R"({"sead": 1})", "\"sead\""},
            {R"({"endpoints": {"rerank": {"latency": {"model": "lognormal", "median": 250, "p99_ms": 500}}}})",
             "endpoints.rerank.latency.median"},
            {R"({"endpoints": {"rerank": {"latency": {"model": "lognormal", "median_ms": 250, "p99_ms": 100}}}})",
             "endpoints.rerank.latency.p99_ms"},
            {R"({"endpoints": {"rerank": {"latency": {"model": "gamma"}}}})", "endpoints.rerank.latency.model"},
            {R"({"endpoints": {"rerank": {"faults": [{"kind": "explode"}]}}})", "endpoints.rerank.faults[0].kind"},
            {R"({"endpoints": {"rerank": {"faults": [{"kind": "status", "rate": 2}]}}})", "endpoints.rerank.faults[0].rate"},
            {R"({"endpoints": {"chat": {"tokens_per_event": 0}}})", "endpoints.chat.tokens_per_event"},
            {R"({"endpoints": {"/no/such/route": {}}})", "endpoints./no/such/route"},
        };
        for (const auto &[text, mention] : bad) {
            const auto result = SimulatorProfile::fromJson(text);
            QVERIFY2(!result.ok(), text.constData());
            QVERIFY2(result.error().contains(mention), qPrintable(result.error()));
        }
    }

    void builtInProfiles()
    {
        const auto field = SimulatorProfile::load(QStringLiteral("field"));
        QVERIFY(field.ok());
        const EndpointBehaviour embed = field->behaviour("embed", "/openai/v1/embeddings");
        QCOMPARE(embed.latency.kind, LatencyModel::Kind::Uniform);
        QCOMPARE(embed.latency.minMs, 20.0);
        QCOMPARE(embed.latency.maxMs, 50.0);
        const EndpointBehaviour rerank = field->behaviour("rerank", "/tei/rerank");
        QCOMPARE(rerank.latency.kind, LatencyModel::Kind::LogNormal);
        QCOMPARE(rerank.latency.medianMs, 250.0);
        QCOMPARE(rerank.latency.p99Ms, 500.0);
        const EndpointBehaviour chat = field->behaviour("chat", "/openai/v1/chat/completions");
        QCOMPARE(chat.latency.medianMs, 200.0);
        QCOMPARE(chat.latency.p99Ms, 400.0);
        QCOMPARE(chat.streamTokens, 64);
        QCOMPARE(chat.tokensPerSecond, 40.0);
        QCOMPARE(chat.tokensPerEvent, 4);
        QVERIFY(chat.faults.isEmpty() && rerank.faults.isEmpty() && embed.faults.isEmpty());

        const auto instant = SimulatorProfile::load(QStringLiteral("instant"));
        QVERIFY(instant.ok());
        QCOMPARE(instant->behaviour("rerank", "/jina/v1/rerank").latency.fixedMs, 0.0);

        QVERIFY(!SimulatorProfile::load(QStringLiteral("no-such-profile")).ok());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"seed": 3, "endpoints": {"embed": {"latency": {"model": "fixed", "ms": 5}}}})");
        file.close();
        const auto fromFile = SimulatorProfile::load(path);
        QVERIFY(fromFile.ok());
        QCOMPARE(fromFile->seed(), quint64(3));
    }

    void latencySamplesFollowTheirModels()
    {
        std::mt19937_64 rng(42);
        LatencyModel logNormal;
        logNormal.kind = LatencyModel::Kind::LogNormal;
        logNormal.medianMs = 250;
        logNormal.p99Ms = 500;
        std::vector<double> samples;
        for (int i = 0; i < 20000; ++i)
            samples.push_back(logNormal.sample(rng));
        std::sort(samples.begin(), samples.end());
        const double median = samples[samples.size() / 2];
        const double p99 = samples[samples.size() * 99 / 100];
        QVERIFY2(median > 240 && median < 260, qPrintable(QString::number(median)));
        QVERIFY2(p99 > 470 && p99 < 530, qPrintable(QString::number(p99)));

        LatencyModel uniform;
        uniform.kind = LatencyModel::Kind::Uniform;
        uniform.minMs = 20;
        uniform.maxMs = 50;
        for (int i = 0; i < 1000; ++i) {
            const double v = uniform.sample(rng);
            QVERIFY(v >= 20 && v <= 50);
        }
    }

    void latencyDelaysTheReply()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"rerank": {"latency": {"model": "fixed", "ms": 300}},
                                                            "/tei/rerank": {"latency": {"model": "fixed", "ms": 0}}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        QStringList order;
        QNetworkReply *slow = client.start("/jina/v1/rerank", json({{"query", kQuery}, {"documents", kDocsJson}}));
        connect(slow, &QNetworkReply::finished, this, [&] { order.append(QStringLiteral("slow")); });
        QTRY_COMPARE(sim.counters().inFlight.load(), 1); // the slow one is in, waiting on its timer
        QNetworkReply *fast = client.start("/tei/rerank", json({{"query", kQuery}, {"texts", kDocsJson}}));
        connect(fast, &QNetworkReply::finished, this, [&] { order.append(QStringLiteral("fast")); });
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QStringList{QStringLiteral("fast"), QStringLiteral("slow")}));
        QCOMPARE(slow->error(), QNetworkReply::NoError);
        QCOMPARE(sim.counters().peakInFlight.load(), 2);
        QCOMPARE(sim.counters().inFlight.load(), 0);
        slow->deleteLater();
        fast->deleteLater();
    }

    void statusFaultOnlyForTheFirstRequests()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"rerank": {"faults": [{"kind": "status", "status": 503, "first": 2}]}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const QByteArray body = json({{"query", kQuery}, {"documents", kDocsJson}});
        QList<int> statuses;
        for (int i = 0; i < 3; ++i)
            statuses.append(client.post("/cohere/v2/rerank", body).status);
        QCOMPARE(statuses, (QList<int>{503, 503, 200}));
        QCOMPARE(sim.counters().faultsInjected.load(), 2);
        const Answer error = client.post("/cohere/v2/rerank", "{}");
        QCOMPARE(error.status, 400); // bad requests are refused before faults apply
    }

    void retryAfterAndMalformedFaults()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {
            "rerank": {"faults": [{"kind": "retry_after", "retry_after_s": 2}]},
            "embed": {"faults": [{"kind": "malformed"}]}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer limited = client.post("/jina/v1/rerank", json({{"query", kQuery}, {"documents", kDocsJson}}));
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.headers.value("retry-after"), QByteArray("2"));
        QVERIFY(limited.object()[u"error"][u"message"].isString());

        const Answer malformed = client.post("/openai/v1/embeddings", json({{"input", QJsonArray{"alpha"}}}));
        QCOMPARE(malformed.status, 200);
        QJsonParseError error;
        QJsonDocument::fromJson(malformed.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError);
        QVERIFY(!malformed.body.isEmpty());
    }

    void resetIsANetworkError()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"embed": {"faults": [{"kind": "reset"}]}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer answer = client.post("/tei/embed", json({{"inputs", "x"}}));
        QVERIFY(answer.finished);
        QVERIFY(answer.error != QNetworkReply::NoError);
        QCOMPARE(answer.status, 0); // no HTTP response at all
        QTRY_COMPARE(sim.counters().inFlight.load(), 0);
    }

    void truncatedStreamHasNoDone()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"chat": {"stream_tokens": 40, "tokens_per_event": 2,
                                                                     "faults": [{"kind": "truncate"}]}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer answer = client.post("/openai/v1/chat/completions",
                                          json({{"stream", true}, {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "hi"}}}}}));
        QVERIFY(answer.finished);
        QCOMPARE(answer.status, 200);
        // The connection is cut mid-body. QNAM 6.4 reports that as RemoteHostClosedError or, when
        // the reset is seen as a plain disconnect, as a successful end: only the missing
        // terminator tells a client the stream was cut, so that is what the fault guarantees.
        rag::providers::SseParser parser;
        const auto events = parser.feed(answer.body);
        QVERIFY(events.size() > 2); // it had started: role chunk and content
        QVERIFY(events.size() < 23); // a whole stream: role, 20 content chunks, finish, [DONE]
        QVERIFY(!answer.body.contains("[DONE]"));
        QVERIFY(!answer.body.contains("finish_reason\":\"stop"));
        QTRY_COMPARE(sim.counters().inFlight.load(), 0);
    }

    void hangNeverAnswers()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"rerank": {"faults": [{"kind": "hang"}]}}})"));
        QVERIFY(sim.listen().ok());
        Client client(sim);
        const Answer answer = client.post("/tei/rerank", json({{"query", kQuery}, {"texts", kDocsJson}}), 300);
        QVERIFY(answer.finished);
        QVERIFY(answer.error == QNetworkReply::OperationCanceledError || answer.error == QNetworkReply::TimeoutError);
        QCOMPARE(answer.status, 0);
        QVERIFY(answer.body.isEmpty());
        QTRY_COMPARE(sim.counters().inFlight.load(), 0); // the client left: the simulator forgot it
        QCOMPARE(sim.counters().faultsInjected.load(), 1);
    }

    void sameSeedSameFaults()
    {
        const QByteArray profile = R"({"seed": 11, "endpoints": {"embed": {"faults": [{"kind": "status", "rate": 0.5}]}}})";
        QList<int> runs[2];
        for (QList<int> &statuses : runs) {
            ProviderSimulator sim(profileFrom(profile));
            QVERIFY(sim.listen().ok());
            Client client(sim);
            for (int i = 0; i < 16; ++i)
                statuses.append(client.post("/ollama/api/embed", json({{"input", "x"}})).status);
        }
        QCOMPARE(runs[0], runs[1]);
        QVERIFY(runs[0].contains(503) && runs[0].contains(200));
    }

    void hundredsOfConcurrentRequestsOnOneThread()
    {
        ProviderSimulator sim(profileFrom(R"({"endpoints": {"rerank": {"latency": {"model": "fixed", "ms": 100}}}})"));
        QVERIFY(sim.listen().ok());
        const QByteArray body = json({{"query", kQuery}, {"documents", kDocsJson}});
        const QByteArray request = "POST /jina/v1/rerank HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n"
                                   "Content-Type: application/json\r\nContent-Length: "
                                   + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        constexpr int kClients = 300;
        std::vector<QByteArray> received(kClients);
        int closed = 0;
        std::vector<std::unique_ptr<QTcpSocket>> sockets; // after what their slots write to
        for (int i = 0; i < kClients; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *s = socket.get();
            connect(s, &QTcpSocket::connected, this, [s, request] { s->write(request); });
            connect(s, &QTcpSocket::readyRead, this, [s, &received, i] { received[size_t(i)] += s->readAll(); });
            connect(s, &QTcpSocket::disconnected, this, [&closed] { ++closed; });
            s->connectToHost(sim.baseUrl().host(), quint16(sim.baseUrl().port()));
            sockets.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(closed, kClients, 30000);
        for (const QByteArray &reply : received)
            QVERIFY(reply.startsWith("HTTP/1.1 200 OK\r\n") && reply.contains("\"results\""));
        QCOMPARE(sim.counters().requests.load(), kClients);
        QVERIFY(sim.counters().peakInFlight.load() > 1);
        QCOMPARE(sim.counters().inFlight.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestProviderSimulator)
#include "tst_provider_simulator.moc"
