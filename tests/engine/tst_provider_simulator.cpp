// The provider simulator over real loopback HTTP: every route answers in its provider's format,
// rankings follow term overlap, streams parse, and bad requests get provider-style errors.
#include "simulator_test_client.h"
#include "providers/sim/document_terms.h"

#include "text/text_tokenizer.h"
#include "text/token_counter.h"

#include <QSet>

namespace {
// The simulator's relevance by its definition (docs/simulator.md): 0.9 x the share of the query's
// distinct terms the document holds, plus 0.1 x the share of the document's terms that are
// query terms.
double referenceRelevance(const QString &query, const QString &document)
{
    const QStringList queryTerms = rag::text::tokenize(query);
    const QSet<QString> wanted(queryTerms.cbegin(), queryTerms.cend());
    const QStringList terms = rag::text::tokenize(document);
    QSet<QString> found;
    int hits = 0;
    for (const QString &term : terms) {
        if (wanted.contains(term)) {
            ++hits;
            found.insert(term);
        }
    }
    if (wanted.isEmpty())
        return 0;
    return 0.9 * double(found.size()) / double(wanted.size()) + 0.1 * (terms.isEmpty() ? 0.0 : double(hits) / double(terms.size()));
}
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

    void rerankScoresAreTermOverlapByDefinition()
    {
        // Words that start with none of the query's letters are skipped unstemmed: the scores
        // must still be the definition's, capitals, plurals and non-ASCII words included.
        const QString query = QStringLiteral("Running otters' favourite Foods ñandú 海獭");
        const QStringList docs = {QStringLiteral("Otters run; running otters eat food and FOODS daily."),
                                  QStringLiteral("Nothing here matches at all, zero overlap."),
                                  QStringLiteral("ÑANDÚ and 海獭 live far apart; the favourite run of otters"),
                                  QStringLiteral("ran runner runs running RUNNING"), QString()};
        ProviderSimulator sim;
        QVERIFY(sim.listen().ok());
        Client client(sim);
        QJsonArray documents;
        for (const QString &doc : docs)
            documents.append(doc);
        const Answer answer = client.post("/jina/v1/rerank", json({{"model", "m"}, {"query", query}, {"documents", documents}}));
        QCOMPARE(answer.status, 200);
        const QJsonArray results = answer.object()[u"results"].toArray();
        QCOMPARE(results.size(), docs.size());
        for (const QJsonValue &result : results) {
            const int index = result[u"index"].toInt();
            QVERIFY(qAbs(result[u"relevance_score"].toDouble() - referenceRelevance(query, docs.at(index))) < 1e-9);
        }
        QVERIFY(referenceRelevance(query, docs.at(0)) > referenceRelevance(query, docs.at(1)));

        // The documents' terms are remembered from the first call: another query over the same
        // documents still scores by the definition, and usage counts their tokens.
        const QString again = QStringLiteral("food of the otters, RUN");
        const Answer second = client.post("/jina/v1/rerank", json({{"model", "m"}, {"query", again}, {"documents", documents}}));
        QCOMPARE(second.status, 200);
        for (const QJsonValue &result : second.object()[u"results"].toArray()) {
            const int index = result[u"index"].toInt();
            QVERIFY(qAbs(result[u"relevance_score"].toDouble() - referenceRelevance(again, docs.at(index))) < 1e-9);
        }
        int tokens = rag::text::countTokens(again);
        for (const QString &doc : docs)
            tokens += rag::text::countTokens(doc);
        QCOMPARE(second.object()[u"usage"][u"total_tokens"].toInt(), tokens);
    }

    // The remembered documents are bounded: past the limit the cache starts over, and what it
    // answers then is still right.
    void documentTermsStartOverWhenFull()
    {
        rag::sim::DocumentTerms cache;
        const QString first = QStringLiteral("Sea otters hold hands; otters sleep.");
        QCOMPARE(cache.of(first).terms, int(rag::text::tokenize(first).size()));
        QCOMPARE(cache.of(first).occurrences(cache.termId(QStringLiteral("otter"))), 2);
        QCOMPARE(cache.of(first).tokens, rag::text::countTokens(first));
        for (std::size_t i = 1; i < rag::sim::DocumentTerms::kMaxEntries; ++i)
            cache.of(QStringLiteral("document %1").arg(i));
        QCOMPARE(cache.size(), rag::sim::DocumentTerms::kMaxEntries);
        const QString late = QStringLiteral("Bees dance; bees point at flowers.");
        const auto &entry = cache.of(late); // one over the limit: the cache starts over with it
        QCOMPARE(cache.size(), std::size_t(1));
        QCOMPARE(entry.occurrences(cache.termId(QStringLiteral("bee"))), 2);
        QCOMPARE(cache.termId(QStringLiteral("otter")), -1);
        QCOMPARE(cache.of(first).occurrences(cache.termId(QStringLiteral("otter"))), 2);
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

};

QTEST_GUILESS_MAIN(TestProviderSimulator)
#include "tst_provider_simulator.moc"
