// serve's RAGFlow-compatible endpoints and its admin view of the rerank call log, over real
// loopback HTTP (docs/serve.md): a chat's completions as RAGFlow streams them (the answer so far
// in each event, references last, then data:true) with sessions that persist and continue,
// retrieval by knowledge base name or id with RAGFlow's fields and paging, RAGFlow's error codes,
// and who may read the call log.
#include "api/provider_calls.h"
#include "providers/calllog/rerank_call_log.h"
#include "store/conversation_repository.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"
#include "support/http_exchange.h"
#include "support/serve_fixture.h"
#include "support/simulator_thread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <memory>

using namespace rag;

namespace {
using Exchange = test::HttpExchange;
} // namespace

class TestServeRagFlow : public QObject {
    Q_OBJECT

    std::unique_ptr<test::ServeFixture> m_fx;

    void startServer(serve::ServeConfig config = {}) { m_fx->start(std::move(config)); }
    Exchange call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {}, const QByteArray &key = {})
    {
        return m_fx->call(method, path, body, key);
    }

    static QByteArray json(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }

private Q_SLOTS:
    void init() { m_fx = std::make_unique<test::ServeFixture>(); }
    void cleanup() { m_fx.reset(); }

    void completionStreamsTheAnswerSoFarThenReferencesThenTrue()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        sim.setProfileJson(R"({"endpoints":{"chat":{"stream_tokens":24,"tokens_per_s":2000,"tokens_per_event":2}}})");
        const qint64 id = m_fx->addSimulatedAssistant(QStringLiteral("streamer"), sim.url(QString()));
        startServer();

        const Exchange first = call("POST", "/api/v1/chats/streamer/completions", json({{QStringLiteral("question"), QStringLiteral("Why do sea otters hold hands?")}}));
        QCOMPARE(first.status, 200);
        const QList<QJsonObject> events = first.events();
        QVERIFY2(events.size() >= 3, first.body.constData());
        QString previous;
        for (qsizetype i = 0; i + 1 < events.size(); ++i) {
            QCOMPARE(events.at(i).value(QStringLiteral("code")).toInt(-1), 0);
            const QString answer = events.at(i).value(QStringLiteral("data")).toObject().value(QStringLiteral("answer")).toString();
            if (i + 2 < events.size())
                QVERIFY2(answer.startsWith(previous), qPrintable(answer)); // the answer so far, growing
            previous = answer;
        }
        QCOMPARE(events.constLast().value(QStringLiteral("data")), QJsonValue(true));
        const QJsonObject last = events.at(events.size() - 2).value(QStringLiteral("data")).toObject();
        const QJsonObject reference = last.value(QStringLiteral("reference")).toObject();
        QVERIFY(reference.value(QStringLiteral("total")).toInt() > 0);
        const QJsonObject chunk = reference.value(QStringLiteral("chunks")).toArray().first().toObject();
        for (const char *field : {"id", "content", "document_id", "document_name", "similarity", "term_similarity", "vector_similarity"})
            QVERIFY2(chunk.contains(QLatin1String(field)), field);
        QVERIFY(!reference.value(QStringLiteral("doc_aggs")).toArray().isEmpty());
        const QString session = last.value(QStringLiteral("session_id")).toString();
        QVERIFY(!session.isEmpty());

        // The session persists: the next question continues it, by the assistant's id this time.
        const Exchange second = call("POST", QStringLiteral("/api/v1/chats/%1/completions").arg(id).toUtf8(),
                                     json({{QStringLiteral("question"), QStringLiteral("And bees?")},
                                           {QStringLiteral("session_id"), session},
                                           {QStringLiteral("stream"), false}}));
        QCOMPARE(second.status, 200);
        QCOMPARE(second.json().value(QStringLiteral("code")).toInt(-1), 0);
        QCOMPARE(second.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("session_id")).toString(), session);
        const QByteArray sent = sim.simulator().lastRequestBody("/openai/v1/chat/completions");
        QVERIFY2(sent.contains("Why do sea otters hold hands?"), sent.constData()); // the history went to the model
        auto stored = store::ConversationRepository(m_fx->workspace().workspace->database().connection()).load(session.section(QLatin1Char('-'), 0, 0).toLongLong());
        QVERIFY(stored);
        QCOMPARE(stored->messages.size(), 4);
    }

    void completionErrorsUseRagFlowCodes()
    {
        serve::ServeConfig config;
        config.apiKeys = {"k1"};
        startServer(config);
        const QByteArray question = json({{QStringLiteral("question"), QStringLiteral("otters?")}, {QStringLiteral("stream"), false}});
        const Exchange unauthorized = call("POST", "/api/v1/chats/guide/completions", question, "nope");
        QCOMPARE(unauthorized.status, 401);
        QCOMPARE(unauthorized.json().value(QStringLiteral("code")).toInt(), 109);
        const Exchange unknown = call("POST", "/api/v1/chats/nobody/completions", question, "k1");
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json().value(QStringLiteral("code")).toInt(), 102);
        const Exchange noQuestion = call("POST", "/api/v1/chats/guide/completions", "{}", "k1");
        QCOMPARE(noQuestion.status, 400);
        QCOMPARE(noQuestion.json().value(QStringLiteral("code")).toInt(), 101);
        const Exchange badSession = call("POST", "/api/v1/chats/guide/completions",
                                         json({{QStringLiteral("question"), QStringLiteral("otters?")},
                                               {QStringLiteral("session_id"), QStringLiteral("99999")}, {QStringLiteral("stream"), false}}),
                                         "k1");
        QCOMPARE(badSession.status, 404);
        QVERIFY2(badSession.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("session")), badSession.body.constData());
        QCOMPARE(call("POST", "/api/v1/chats/guide/completions", question, "k1").json().value(QStringLiteral("code")).toInt(-1), 0);
    }

    // A session id is signed for the key that got it: another key, a forged tag or a bare
    // conversation id (a desktop conversation's) continues nothing.
    void sessionsBelongToTheKeyThatStartedThem()
    {
        serve::ServeConfig config;
        config.apiKeys = {"team-a", "team-b"};
        startServer(config);
        const QByteArray question = json({{QStringLiteral("question"), QStringLiteral("otters?")}, {QStringLiteral("stream"), false}});
        const Exchange started = call("POST", "/api/v1/chats/guide/completions", question, "team-a");
        QCOMPARE(started.status, 200);
        const QString session = started.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("session_id")).toString();
        QVERIFY2(session.contains(QLatin1Char('-')), qPrintable(session));
        const auto continueWith = [&](const QString &id, const QByteArray &key) {
            return call("POST", "/api/v1/chats/guide/completions",
                        json({{QStringLiteral("question"), QStringLiteral("and bees?")}, {QStringLiteral("session_id"), id},
                              {QStringLiteral("stream"), false}}),
                        key);
        };
        QCOMPARE(continueWith(session, "team-a").status, 200);
        QCOMPARE(continueWith(session, "team-b").status, 404);
        const QString id = session.section(QLatin1Char('-'), 0, 0);
        QCOMPARE(continueWith(id, "team-a").status, 404);
        QCOMPARE(continueWith(id + QStringLiteral("-000000000000000000000000"), "team-a").status, 404);
        auto stored = store::ConversationRepository(m_fx->workspace().workspace->database().connection()).load(id.toLongLong());
        QVERIFY(stored);
        QCOMPARE(stored->messages.size(), 4); // only team-a's second question went into it
    }

    void retrievalByNameOrIdWithRagFlowFieldsAndPages()
    {
        startServer();
        const auto kb = m_fx->workspace().workspace->knowledgeBase(QStringLiteral("nature"));
        QVERIFY(kb);
        for (const QJsonValue &dataset : {QJsonValue(QStringLiteral("nature")), QJsonValue(QString::number(kb->id))}) {
            const Exchange e = call("POST", "/api/v1/retrieval",
                                    json({{QStringLiteral("question"), QStringLiteral("sea otters sleep")},
                                          {QStringLiteral("dataset_ids"), QJsonArray{dataset}},
                                          {QStringLiteral("similarity_threshold"), 0.0}}));
            QCOMPARE(e.status, 200);
            QCOMPARE(e.json().value(QStringLiteral("code")).toInt(-1), 0);
            const QJsonObject data = e.json().value(QStringLiteral("data")).toObject();
            const QJsonArray chunks = data.value(QStringLiteral("chunks")).toArray();
            QCOMPARE(chunks.size(), 2);
            QCOMPARE(data.value(QStringLiteral("total")).toInt(), 2);
            const QJsonObject best = chunks.first().toObject();
            QVERIFY(best.value(QStringLiteral("content")).toString().contains(QStringLiteral("otters")));
            QCOMPARE(best.value(QStringLiteral("kb_id")).toString(), QString::number(kb->id));
            QVERIFY(best.value(QStringLiteral("similarity")).toDouble() >= chunks.at(1).toObject().value(QStringLiteral("similarity")).toDouble());
            for (const char *field : {"id", "document_id", "document_keyword", "highlight", "positions", "term_similarity", "vector_similarity"})
                QVERIFY2(best.contains(QLatin1String(field)), field);
        }
        const Exchange second = call("POST", "/api/v1/retrieval",
                                     json({{QStringLiteral("question"), QStringLiteral("sea otters sleep")},
                                           {QStringLiteral("dataset_ids"), QJsonArray{QStringLiteral("nature")}},
                                           {QStringLiteral("similarity_threshold"), 0.0},
                                           {QStringLiteral("page"), 2},
                                           {QStringLiteral("page_size"), 1}}));
        const QJsonArray page = second.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("chunks")).toArray();
        QCOMPARE(page.size(), 1);
        QVERIFY(page.first().toObject().value(QStringLiteral("content")).toString().contains(QStringLiteral("bees")));

        const Exchange unknown = call("POST", "/api/v1/retrieval",
                                      json({{QStringLiteral("question"), QStringLiteral("x")}, {QStringLiteral("dataset_ids"), QJsonArray{QStringLiteral("nope")}}}));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json().value(QStringLiteral("code")).toInt(), 102);
        const Exchange badPage = call("POST", "/api/v1/retrieval",
                                      json({{QStringLiteral("question"), QStringLiteral("x")},
                                            {QStringLiteral("dataset_ids"), QJsonArray{QStringLiteral("nature")}},
                                            {QStringLiteral("page_size"), 0}}));
        QCOMPARE(badPage.status, 400);
        QCOMPARE(badPage.json().value(QStringLiteral("code")).toInt(), 101);
    }

    void retrievalEmbedsTheQuestionThroughTheKnowledgeBasesProvider()
    {
        test::SimulatorThread sim;
        QVERIFY(sim.ok());
        test::TempWorkspace &ws = m_fx->workspace();
        store::ProviderRecord provider;
        provider.name = QStringLiteral("sim-embed");
        provider.kind = QStringLiteral("openai-compatible");
        provider.baseUrl = sim.url(QStringLiteral("/openai/v1"));
        provider.model = QStringLiteral("sim-embed");
        QVERIFY(store::ProviderRepository(ws.workspace->database().connection()).add(provider).ok());
        QVERIFY(test::writeFile(ws.path(QStringLiteral("remote-docs/otters.md")),
                                "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n"));
        QVERIFY(test::writeFile(ws.path(QStringLiteral("remote-docs/bees.md")), "# Bees\nHoney bees dance to tell the hive where flowers are.\n"));
        {
            api::ProviderCalls providers(*ws.workspace);
            api::KnowledgeBaseSpec spec;
            spec.name = QStringLiteral("remote");
            spec.embedder = QStringLiteral("sim-embed");
            auto probed = providers.withDimension(spec);
            QVERIFY(probed.ok());
            QVERIFY(ws.workspace->createKnowledgeBase(*probed).ok());
            auto job = ws.workspace->ingestJob(QStringLiteral("remote"), {ws.path(QStringLiteral("remote-docs"))});
            auto embedder = providers.chunkEmbedder(QStringLiteral("sim-embed"));
            (*job)->setChunkEmbedder(embedder.get());
            QCOMPARE((*job)->run().count(ingest::IngestFileOutcome::Status::Added), 2);
        }
        startServer();
        const QByteArray query = json({{QStringLiteral("question"), QStringLiteral("why do otters hold hands")},
                                       {QStringLiteral("dataset_ids"), QJsonArray{QStringLiteral("remote"), QStringLiteral("nature")}},
                                       {QStringLiteral("similarity_threshold"), 0.0}});
        const int before = sim.counters().requests.load();
        const Exchange e = call("POST", "/api/v1/retrieval", query);
        QCOMPARE(e.status, 200);
        QCOMPARE(sim.counters().requests.load() - before, 1); // the question, once, for "remote" only
        const QJsonArray chunks = e.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("chunks")).toArray();
        QCOMPARE(chunks.size(), 4); // both knowledge bases, merged
        QVERIFY(chunks.first().toObject().value(QStringLiteral("content")).toString().contains(QStringLiteral("otters")));

        sim.setProfileJson(R"({"endpoints":{"embed":{"faults":[{"kind":"status","status":400}]}}})");
        const Exchange failed = call("POST", "/api/v1/retrieval", query);
        QCOMPARE(failed.status, 502);
        QVERIFY2(failed.body.contains("embedding the question"), failed.body.constData());
    }

    void adminReadsTheRerankCallLog()
    {
        startServer(); // no keys, loopback: the admin endpoints are open to this machine
        QCOMPARE(call("POST", "/api/v1/chats/guide/completions",
                      json({{QStringLiteral("question"), QStringLiteral("Why do sea otters hold hands?")}, {QStringLiteral("stream"), false}}))
                     .status,
                 200);
        m_fx->engine().callLog().flush();
        const Exchange listed = call("GET", "/api/v1/admin/rerank-calls?limit=5");
        QCOMPARE(listed.status, 200);
        const QJsonArray calls = listed.json().value(QStringLiteral("calls")).toArray();
        QCOMPARE(calls.size(), 1);
        const QJsonObject summary = calls.first().toObject();
        QCOMPARE(summary.value(QStringLiteral("provider")).toString(), QStringLiteral("builtin"));
        QVERIFY(!summary.contains(QStringLiteral("request_body")));
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls?status=error").json().value(QStringLiteral("calls")).toArray().size(), 0);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls?status=maybe").status, 400);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls?colour=red").status, 400);

        const qint64 id = qint64(summary.value(QStringLiteral("id")).toDouble());
        const Exchange one = call("GET", QStringLiteral("/api/v1/admin/rerank-calls/%1").arg(id).toUtf8());
        QCOMPARE(one.status, 200);
        QVERIFY(one.json().contains(QStringLiteral("request_body")));
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls/99999").status, 404);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls/abc").status, 404);
    }

    void adminNeedsItsOwnKeyOnAServerWithKeys()
    {
        serve::ServeConfig withUserKeys;
        withUserKeys.apiKeys = {"user-key"};
        startServer(withUserKeys);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls", {}, "user-key").status, 403);

        serve::ServeConfig withAdmin = withUserKeys;
        withAdmin.adminKeys = {"admin-key"};
        startServer(withAdmin);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls", {}, "user-key").status, 401);
        QCOMPARE(call("GET", "/api/v1/admin/rerank-calls", {}, "admin-key").status, 200);
        QCOMPARE(call("GET", "/v1/models", {}, "admin-key").status, 401); // and it is only an admin key
    }
};

QTEST_GUILESS_MAIN(TestServeRagFlow)
#include "tst_serve_ragflow.moc"
