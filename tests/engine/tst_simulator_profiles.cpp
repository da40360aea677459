// Simulator profiles over real loopback HTTP: parsing (bad keys named), the built-in profiles,
// latency models, and every fault kind as a client sees it.
#include "simulator_test_client.h"

class TestSimulatorProfiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
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

QTEST_GUILESS_MAIN(TestSimulatorProfiles)
#include "tst_simulator_profiles.moc"
