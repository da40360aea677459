// Every reranker of docs/providers.md over real loopback HTTP against the simulator, async and
// blocking, with the kinds' quirks, failures and the call log; and the built-in reranker.
#include "providers/calllog/rerank_call_log.h"
#include "providers/http/provider_http_client.h"
#include "providers/rerank/builtin_reranker.h"
#include "providers/rerank/http_reranker.h"
#include "store/database.h"
#include "store/rerank_call_repository.h"
#include "support/await_task.h"
#include "support/simulator_thread.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <qcoro/qcorotask.h>

using namespace rag;
using namespace rag::providers;
using namespace std::chrono_literals;

namespace {

const QString kQuery = QStringLiteral("why do sea otters hold hands");
const QStringList kDocuments = {
    QStringLiteral("The stock market closed higher on Tuesday."),
    QStringLiteral("Sea otters hold hands while they sleep so that they do not drift apart."),
    QStringLiteral("Otters are mammals."),
};

} // namespace

class TestRerankers : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void everyKindRanksOverHttp_data();
    void everyKindRanksOverHttp();
    void teiSendsBatchesConcurrently();
    void malformedReplyIsAClearError_data();
    void malformedReplyIsAClearError();
    void providerErrorKeepsItsMessage();
    void retriedCallIsLoggedWithItsAttempts();
    void secretsStayOutOfTheLog();
    void builtinRerankerRunsOnThePool();

private:
    std::unique_ptr<Result<RerankResult>> rerankBlocking(Reranker &reranker, const RerankRequest &request);
    QList<store::RerankCallRecord> loggedCalls();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<RerankCallLog> m_log;
    std::unique_ptr<test::SimulatorThread> m_sim;
};

void TestRerankers::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto db = store::Database::open(*store::DatabaseUrl::parse(m_dir->filePath(QStringLiteral("t.db"))));
    QVERIFY(db.ok());
    m_db = *db;
    m_log = std::make_unique<RerankCallLog>(m_db);
    m_sim = std::make_unique<test::SimulatorThread>();
    QVERIFY(m_sim->ok());
}

void TestRerankers::cleanup()
{
    m_sim.reset();
    m_log.reset();
    m_db.reset();
}

std::unique_ptr<Result<RerankResult>> TestRerankers::rerankBlocking(Reranker &reranker, const RerankRequest &request)
{
    // Off the test's thread, as the blocking baseline runs in a pool thread.
    QFuture<Result<RerankResult>> future = QtConcurrent::run([&] { return reranker.rerankBlocking(request); });
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        return nullptr;
    return std::make_unique<Result<RerankResult>>(future.result());
}

QList<store::RerankCallRecord> TestRerankers::loggedCalls()
{
    m_log->flush();
    store::RerankCallFilter filter;
    filter.limit = 1000;
    filter.withBodies = true;
    return *store::RerankCallRepository(m_db->connection()).query(filter);
}

void TestRerankers::everyKindRanksOverHttp_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("base");  // under the simulator's address
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("route"); // where the request must land
    const QString jina = QStringLiteral("/jina/v1/rerank");
    QTest::newRow("jina") << "jina" << "/jina/v1" << "jina-reranker-v2" << jina;
    QTest::newRow("novita") << "novita" << "/jina/v1" << "baai/bge-reranker-v2-m3" << jina;
    QTest::newRow("gitee") << "gitee" << "/jina/v1" << "bge-reranker-v2-m3" << jina;
    QTest::newRow("jiekou") << "jiekou" << "/jina/v1" << "baai/bge-reranker-v2-m3" << jina;
    QTest::newRow("siliconflow") << "siliconflow" << "/jina/v1" << "BAAI/bge-reranker-v2-m3" << jina;
    QTest::newRow("gpustack") << "gpustack" << "/jina" << "bge-reranker-v2-m3" << jina;
    QTest::newRow("localai") << "localai" << "/jina/v1/rerank" << "bge-reranker___local" << jina;
    QTest::newRow("openai-compatible") << "openai-compatible" << "/openai/v1" << "bge-reranker" << "/openai/v1/rerank";
    QTest::newRow("xinference") << "xinference" << "/xinference" << "bge-reranker-base" << "/xinference/v1/rerank";
    QTest::newRow("cohere") << "cohere" << "/cohere" << "rerank-v3.5" << "/cohere/v2/rerank";
    QTest::newRow("voyage") << "voyage" << "/voyage/v1" << "rerank-2" << "/voyage/v1/rerank";
    QTest::newRow("dashscope") << "dashscope" << "/dashscope" << "gte-rerank"
                               << "/dashscope/api/v1/services/rerank/text-rerank/text-rerank";
    QTest::newRow("nvidia") << "nvidia" << "/nvidia/v1/retrieval/nvidia/" << "nvidia/llama-3.2-nv-rerankqa-1b-v2"
                            << "/nvidia/v1/retrieval/nvidia/reranking";
    QTest::newRow("nvidia mistral") << "nvidia" << "/nvidia/v1/retrieval/nvidia/" << "nvidia/nv-rerankqa-mistral-4b-v3"
                                    << "/nvidia/v1/retrieval/nvidia/nv-rerankqa-mistral-4b-v3/reranking";
    QTest::newRow("tei") << "tei" << "/tei" << "" << "/tei/rerank";
}

void TestRerankers::everyKindRanksOverHttp()
{
    QFETCH(QString, kind);
    QFETCH(QString, base);
    QFETCH(QString, model);
    QFETCH(QString, route);
    ProviderSettings settings;
    settings.name = QStringLiteral("p-") + kind;
    settings.kind = *kindFromName(kind);
    settings.baseUrl = m_sim->url(base);
    settings.model = model;
    ProviderHttpClient client({settings.name});
    HttpReranker reranker(settings, &client, m_log.get());

    RerankRequest request{kQuery, kDocuments};
    const auto result = test::await(reranker.rerank(request));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result->scores.size(), kDocuments.size());
    for (double s : result->scores)
        QVERIFY2(s >= 0.0 && s <= 1.0, qPrintable(QString::number(s)));
    QVERIFY(result->scores[1] > result->scores[2]); // every query term beats one of them
    QVERIFY(result->scores[2] > result->scores[0] || result->scores[0] == 0.0);
    QVERIFY(result->tokens > 0);
    QCOMPARE(m_sim->counters().badRequests.load(), 0); // the simulator checks each kind's request shape

    const QByteArray sent = m_sim->simulator().lastRequestBody(route.toUtf8());
    QVERIFY2(!sent.isEmpty(), "the request reached the kind's route");
    QVERIFY(sent.contains("sea otters")); // text as stored, not tokenized

    const auto blocking = rerankBlocking(reranker, request);
    QVERIFY(blocking);
    QVERIFY2(blocking->ok(), qPrintable(blocking->ok() ? QString() : blocking->error()));
    QCOMPARE((*blocking)->scores, result->scores); // same request, same parsing

    const auto calls = loggedCalls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).mode, QStringLiteral("blocking"));
    QCOMPARE(calls.at(1).mode, QStringLiteral("async"));
    for (const auto &c : calls) {
        QVERIFY(c.ok);
        QCOMPARE(c.provider, settings.name);
        QCOMPARE(c.httpStatus, 200);
        QCOMPARE(c.attempts, 1);
        QCOMPARE(c.documents, 3);
        QVERIFY(c.endpoint.endsWith(route));
        QVERIFY(!c.topScores.isEmpty());
        QVERIFY(c.requestBody.contains(QStringLiteral("sea otters")));
        QVERIFY(!c.responseBody.isEmpty());
        QVERIFY(!c.thread.isEmpty());
    }
}

void TestRerankers::teiSendsBatchesConcurrently()
{
    m_sim->setProfileJson(R"({"endpoints":{"/tei/rerank":{"latency":{"model":"fixed","ms":150}}}})");
    ProviderSettings settings{QStringLiteral("tei"), ProviderKind::Tei, m_sim->url(QStringLiteral("/tei"))};
    ProviderHttpClient client({settings.name});
    HttpReranker reranker(settings, &client, m_log.get());
    QStringList documents;
    for (int i = 0; i < 20; ++i)
        documents.append(i == 13 ? QStringLiteral("sea otters hold hands") : QStringLiteral("unrelated text number %1").arg(i));
    const auto result = test::await(reranker.rerank({QStringLiteral("sea otters hold hands"), documents}));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result->scores.size(), 20);
    // Indices came back per batch and were offset into place.
    const auto best = std::max_element(result->scores.begin(), result->scores.end()) - result->scores.begin();
    QCOMPARE(best, 13);
    QCOMPARE(m_sim->counters().requests.load(), 3);     // 8 + 8 + 4
    QCOMPARE(m_sim->counters().peakInFlight.load(), 3); // all three at once, not one after another
    QCOMPARE(loggedCalls().size(), 3);
}

void TestRerankers::malformedReplyIsAClearError_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("base");
    QTest::newRow("jina") << "jina" << "/jina/v1";
    QTest::newRow("tei") << "tei" << "/tei";
    QTest::newRow("nvidia") << "nvidia" << "/nvidia/v1/retrieval/nvidia/";
    QTest::newRow("dashscope") << "dashscope" << "/dashscope";
}

void TestRerankers::malformedReplyIsAClearError()
{
    QFETCH(QString, kind);
    QFETCH(QString, base);
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"malformed"}]}}})");
    ProviderSettings settings{QStringLiteral("broken"), *kindFromName(kind), m_sim->url(base), QStringLiteral("m")};
    ProviderHttpClient client({settings.name});
    HttpReranker reranker(settings, &client, m_log.get());
    const auto result = test::await(reranker.rerank({kQuery, kDocuments}));
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(kind, Qt::CaseInsensitive) || result.error().contains(QStringLiteral("broken")),
             qPrintable(result.error()));
    const auto calls = loggedCalls();
    QCOMPARE(calls.size(), 1);
    QVERIFY(!calls.at(0).ok);
    QCOMPARE(calls.at(0).httpStatus, 200);
    QCOMPARE(calls.at(0).error, result.error());
}

void TestRerankers::providerErrorKeepsItsMessage()
{
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":401}]}}})");
    ProviderSettings settings{QStringLiteral("cohere"), ProviderKind::Cohere, m_sim->url(QStringLiteral("/cohere")),
                              QStringLiteral("rerank-v3.5")};
    ProviderHttpClient client({settings.name});
    HttpReranker reranker(settings, &client, m_log.get());
    const auto result = test::await(reranker.rerank({kQuery, kDocuments}));
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(QStringLiteral("401")), qPrintable(result.error()));
    const auto calls = loggedCalls();
    QCOMPARE(calls.at(0).httpStatus, 401);
    QCOMPARE(calls.at(0).attempts, 1);
    QVERIFY(!calls.at(0).responseBody.isEmpty());
}

void TestRerankers::retriedCallIsLoggedWithItsAttempts()
{
    m_sim->setProfileJson(R"({"endpoints":{"rerank":{"faults":[{"kind":"status","status":503,"first":2}]}}})");
    ProviderSettings settings{QStringLiteral("jina"), ProviderKind::Jina, m_sim->url(QStringLiteral("/jina/v1")),
                              QStringLiteral("m")};
    HttpClientConfig config{settings.name};
    config.retry.baseDelay = 10ms;
    ProviderHttpClient client(config);
    HttpReranker reranker(settings, &client, m_log.get());
    const auto result = test::await(reranker.rerank({kQuery, kDocuments}));
    QVERIFY(result.ok());
    QCOMPARE(result->attempts, 3);
    const auto calls = loggedCalls();
    QCOMPARE(calls.size(), 1);
    QVERIFY(calls.at(0).ok);
    QCOMPARE(calls.at(0).attempts, 3);
}

void TestRerankers::secretsStayOutOfTheLog()
{
    const QString key = QStringLiteral("sk-very-secret-4242");
    ProviderSettings settings{QStringLiteral("jina"), ProviderKind::Jina, m_sim->url(QStringLiteral("/jina/v1")),
                              QStringLiteral("m")};
    ProviderHttpClient client({settings.name});
    client.setApiKey(key);
    HttpReranker reranker(settings, &client, m_log.get());
    // A user's document may even contain the key; the log must not.
    QVERIFY(test::await(reranker.rerank({kQuery, {QStringLiteral("my key is ") + key}})).ok());
    QCOMPARE(m_sim->simulator().lastRequestHeader("/jina/v1/rerank", "authorization"), ("Bearer " + key).toUtf8());
    const auto calls = loggedCalls();
    QCOMPARE(calls.size(), 1);
    QVERIFY(!calls.at(0).requestBody.contains(key));
    QVERIFY(!calls.at(0).responseBody.contains(key));
}

void TestRerankers::builtinRerankerRunsOnThePool()
{
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    pool.setObjectName(QStringLiteral("cpu"));
    BuiltinReranker reranker(QStringLiteral("builtin"), &pool, m_log.get());
    const auto result = test::await(reranker.rerank({kQuery, kDocuments}));
    QVERIFY(result.ok());
    QVERIFY(result->scores[1] > result->scores[2]);
    QVERIFY(result->scores[2] > result->scores[0]);
    const auto blocking = reranker.rerankBlocking({kQuery, kDocuments});
    QCOMPARE(blocking->scores, result->scores);
    const auto calls = loggedCalls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(1).endpoint, QStringLiteral("builtin"));
    QCOMPARE(calls.at(1).mode, QStringLiteral("async"));
}

QTEST_GUILESS_MAIN(TestRerankers)
#include "tst_rerankers.moc"
