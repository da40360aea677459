#include "providers/wire/embedding_wire.h"
#include "providers/wire/provider_endpoints.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

using Vectors = std::vector<std::vector<float>>;
const QString kSim = QStringLiteral("http://127.0.0.1:4567");
} // namespace

class TestEmbeddingWire : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void urls_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sim openai") << "openai-compatible" << kSim + "/openai/v1" << kSim + "/openai/v1/embeddings";
        QTest::newRow("sim ollama") << "ollama" << kSim + "/ollama" << kSim + "/ollama/api/embed";
        QTest::newRow("sim tei") << "tei" << kSim + "/tei" << kSim + "/tei/embed";
        QTest::newRow("openai default") << "openai-compatible" << QString() << "https://api.openai.com/v1/embeddings";
        QTest::newRow("jina default") << "jina" << QString() << "https://api.jina.ai/v1/embeddings";
        QTest::newRow("novita default") << "novita" << QString() << "https://api.novita.ai/v3/openai/embeddings";
        QTest::newRow("siliconflow") << "siliconflow" << QString() << "https://api.siliconflow.cn/v1/embeddings";
        QTest::newRow("ollama default") << "ollama" << QString() << "http://localhost:11434/api/embed";
        QTest::newRow("tei default") << "tei" << QString() << "http://localhost:8080/embed";
        // Server-root kinds keep their OpenAI API under /v1, given or not.
        QTest::newRow("localai root") << "localai" << QString() << "http://localhost:8080/v1/embeddings";
        QTest::newRow("localai v1") << "localai" << "http://localhost:8080/v1/" << "http://localhost:8080/v1/embeddings";
        QTest::newRow("xinference") << "xinference" << "http://x:9997" << "http://x:9997/v1/embeddings";
        QTest::newRow("gpustack v1") << "gpustack" << "http://gs/v1" << "http://gs/v1/embeddings";
        QTest::newRow("already full") << "openai-compatible" << "http://h/v1/embeddings" << "http://h/v1/embeddings";
        QTest::newRow("ollama full") << "ollama" << "http://o:11434/api/embed" << "http://o:11434/api/embed";
        QTest::newRow("ollama api") << "ollama" << "http://o:11434/api" << "http://o:11434/api/embed";
    }

    void urls()
    {
        QFETCH(QString, kind);
        QFETCH(QString, base);
        QFETCH(QString, expected);
        QCOMPARE(buildEmbeddingRequest(::kind(kind), base, QStringLiteral("m"), {QStringLiteral("x")}).url.toString(),
                 expected);
    }

    void noEmbeddingEndpoint()
    {
        QVERIFY(embeddingsUrl(ProviderKind::Cohere, {}).isEmpty());
        QVERIFY(embeddingsUrl(ProviderKind::Builtin, {}).isEmpty());
    }

    void requestBodies()
    {
        const QStringList inputs{QStringLiteral("first text"), QStringLiteral("海獭 second")};
        const auto openai = buildEmbeddingRequest(ProviderKind::OpenAiCompatible, {}, QStringLiteral("text-embedding-3-small"), inputs);
        QJsonObject body = QJsonDocument::fromJson(openai.body).object();
        QCOMPARE(body.value("model").toString(), QStringLiteral("text-embedding-3-small"));
        QCOMPARE(body.value("input").toArray(), QJsonArray::fromStringList(inputs));
        QCOMPARE(body.size(), 2);
        QVERIFY(openai.sendAuth);

        const auto local = buildEmbeddingRequest(ProviderKind::LocalAi, {}, QStringLiteral("bge-m3___LocalAI"), inputs);
        QCOMPARE(QJsonDocument::fromJson(local.body).object().value("model").toString(), QStringLiteral("bge-m3"));

        const auto ollama = buildEmbeddingRequest(ProviderKind::Ollama, {}, QStringLiteral("nomic-embed-text"), inputs);
        body = QJsonDocument::fromJson(ollama.body).object();
        QCOMPARE(body.value("model").toString(), QStringLiteral("nomic-embed-text"));
        QCOMPARE(body.value("input").toArray(), QJsonArray::fromStringList(inputs));
        QVERIFY(!ollama.sendAuth);

        const auto tei = buildEmbeddingRequest(ProviderKind::Tei, {}, QStringLiteral("ignored"), inputs);
        body = QJsonDocument::fromJson(tei.body).object();
        QCOMPARE(body.value("inputs").toArray(), QJsonArray::fromStringList(inputs));
        QCOMPARE(body.value("truncate"), QJsonValue(true));
        QVERIFY(!body.contains("model"));
        QVERIFY(!tei.sendAuth);
    }

    void replies_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        // data[] comes back in any order: the index decides.
        QTest::newRow("openai shuffled") << "openai-compatible"
            << QByteArray(R"({"object":"list","data":[{"object":"embedding","index":2,"embedding":[5,6]},)"
                          R"({"object":"embedding","index":0,"embedding":[1,2]},{"object":"embedding","index":1,"embedding":[3,4]}],)"
                          R"("model":"m","usage":{"prompt_tokens":3,"total_tokens":3}})");
        QTest::newRow("openai no index") << "jina"
            << QByteArray(R"({"data":[{"embedding":[1,2]},{"embedding":[3,4]},{"embedding":[5.0,6.0]}]})");
        QTest::newRow("ollama") << "ollama" << QByteArray(R"({"model":"m","embeddings":[[1,2],[3,4],[5,6]],"total_duration":1})");
        QTest::newRow("tei") << "tei" << QByteArray("[[1,2],[3,4],[5,6]]");
    }

    void replies()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        const auto vectors = parseEmbeddingReply(::kind(kind), body, 3);
        QVERIFY2(vectors.ok(), qPrintable(vectors.ok() ? QString() : vectors.error()));
        QCOMPARE(*vectors, (Vectors{{1, 2}, {3, 4}, {5, 6}}));
    }

    void precisionSurvives()
    {
        const auto vectors = parseEmbeddingReply(ProviderKind::Tei, "[[0.0123456789,-1e-7]]", 1);
        QVERIFY(vectors.ok());
        QCOMPARE(vectors->front().at(0), 0.0123456789f);
        QCOMPARE(vectors->front().at(1), -1e-7f);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << "openai-compatible" << QByteArray("Internal Server Error") << "not JSON";
        QTest::newRow("empty") << "tei" << QByteArray() << "not JSON";
        QTest::newRow("openai count") << "openai-compatible" << QByteArray(R"({"data":[{"index":0,"embedding":[1]}]})") << "1 embeddings for 2 inputs";
        QTest::newRow("ollama count") << "ollama" << QByteArray(R"({"embeddings":[[1],[2],[3]]})") << "3 embeddings for 2 inputs";
        QTest::newRow("tei count") << "tei" << QByteArray("[[1]]") << "1 embeddings for 2 inputs";
        QTest::newRow("ragged openai") << "jina" << QByteArray(R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1]}]})") << "dimensions";
        QTest::newRow("ragged ollama") << "ollama" << QByteArray(R"({"embeddings":[[1,2],[1,2,3]]})") << "dimensions";
        QTest::newRow("ragged tei") << "tei" << QByteArray("[[1,2],[]]") << "empty";
        QTest::newRow("non-number") << "tei" << QByteArray(R"([[1,"2"],[3,4]])") << "non-number";
        QTest::newRow("null") << "ollama" << QByteArray(R"({"embeddings":[[1,null],[3,4]]})") << "non-number";
        QTest::newRow("base64") << "openai-compatible" << QByteArray(R"({"data":[{"index":0,"embedding":"AAAA"},{"index":1,"embedding":"AAAA"}]})") << "not an array";
        QTest::newRow("no data") << "openai-compatible" << QByteArray(R"({"error":{"message":"Invalid model"}})") << "Invalid model";
        QTest::newRow("ollama error") << "ollama" << QByteArray(R"({"error":"model 'x' not found"})") << "not found";
        QTest::newRow("tei object") << "tei" << QByteArray(R"({"error":"too long"})") << "not an array";
        QTest::newRow("duplicate index") << "openai-compatible" << QByteArray(R"({"data":[{"index":1,"embedding":[1]},{"index":1,"embedding":[2]}]})") << "repeats";
        QTest::newRow("index out of range") << "openai-compatible" << QByteArray(R"({"data":[{"index":0,"embedding":[1]},{"index":2,"embedding":[2]}]})") << "outside";
        QTest::newRow("item not object") << "openai-compatible" << QByteArray(R"({"data":[[1],[2]]})") << "not an object";
    }

    void malformed()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const auto vectors = parseEmbeddingReply(::kind(kind), body, 2);
        QVERIFY(!vectors.ok());
        QVERIFY2(vectors.error().startsWith(kind + QStringLiteral(" embeddings reply")), qPrintable(vectors.error()));
        QVERIFY2(vectors.error().contains(mentions), qPrintable(vectors.error()));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingWire)
#include "tst_embedding_wire.moc"
