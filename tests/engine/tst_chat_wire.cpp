#include "providers/wire/chat_stream_decoder.h"
#include "providers/wire/chat_wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace rag::providers;

namespace {
const QString kSim = QStringLiteral("http://127.0.0.1:4567");

// A realistic OpenAI-compatible stream: role-only first chunk, reasoning, CJK and emoji text
// (split across UTF-8 bytes when cut), a null-content finish chunk, a usage chunk with empty
// choices, a keep-alive comment, CRLF line ends in places, then [DONE].
const QByteArray kOpenAiStream = QStringLiteral(
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    ": keep-alive\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Think.\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Otters 海獭 \"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"eat fish 🦦.\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":null},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\n\n"
    "data: [DONE]\n\n").toUtf8();

const QByteArray kOllamaStream = QStringLiteral(
    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Otters 海獭 \"},\"done\":false}\n"
    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false}\r\n"
    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"eat fish 🦦.\"},\"done\":false}\n"
    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
    "\"total_duration\":5000000,\"prompt_eval_count\":12,\"eval_count\":7,\"eval_duration\":100}\n").toUtf8();

struct Decoded {
    QList<ChatDelta> deltas;
    QString error;
};

// Feeds `stream` cut at the given positions, then finishes the stream.
Decoded decode(ChatStreamDecoder &decoder, const QByteArray &stream, const QList<qsizetype> &cuts)
{
    Decoded out;
    qsizetype from = 0;
    QList<qsizetype> ends = cuts;
    ends.append(stream.size());
    for (qsizetype end : ends) {
        auto deltas = decoder.feed(QByteArrayView(stream).sliced(from, end - from));
        from = end;
        if (!deltas) {
            out.error = deltas.error();
            return out;
        }
        out.deltas += *deltas;
    }
    if (auto finished = decoder.finish(); !finished)
        out.error = finished.error();
    return out;
}

Decoded decode(ProviderKind kind, const QByteArray &stream, const QList<qsizetype> &cuts = {})
{
    auto decoder = ChatStreamDecoder::create(kind);
    return decode(*decoder, stream, cuts);
}

QString contents(const QList<ChatDelta> &deltas)
{
    QString text;
    for (const ChatDelta &d : deltas)
        text += d.content;
    return text;
}
} // namespace

class TestChatWire : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requests_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("url");
        QTest::newRow("sim openai") << "openai-compatible" << kSim + "/openai/v1" << kSim + "/openai/v1/chat/completions";
        QTest::newRow("sim ollama") << "ollama" << kSim + "/ollama/" << kSim + "/ollama/api/chat";
        QTest::newRow("openai default") << "openai-compatible" << QString() << "https://api.openai.com/v1/chat/completions";
        QTest::newRow("siliconflow") << "siliconflow" << QString() << "https://api.siliconflow.cn/v1/chat/completions";
        QTest::newRow("novita") << "novita" << QString() << "https://api.novita.ai/v3/openai/chat/completions";
        QTest::newRow("localai") << "localai" << QString() << "http://localhost:8080/v1/chat/completions";
        QTest::newRow("xinference v1") << "xinference" << "http://x:9997/v1" << "http://x:9997/v1/chat/completions";
        QTest::newRow("ollama default") << "ollama" << QString() << "http://localhost:11434/api/chat";
        QTest::newRow("full") << "openai-compatible" << "http://h/v1/chat/completions" << "http://h/v1/chat/completions";
    }

    void requests()
    {
        QFETCH(QString, kind);
        QFETCH(QString, base);
        QFETCH(QString, url);
        const ProviderKind k = *kindFromName(kind);
        ChatParams params;
        params.model = QStringLiteral("m");
        params.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")}, {QStringLiteral("user"), QStringLiteral("海獭?")}};
        params.temperature = 0.25;
        params.maxTokens = 300;
        const WireRequest request = buildChatRequest(k, base, params);
        QCOMPARE(request.url.toString(), url);
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value("model").toString(), QStringLiteral("m"));
        QCOMPARE(body.value("stream"), QJsonValue(true));
        const QJsonArray messages = body.value("messages").toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(1)["role"].toString(), QStringLiteral("user"));
        QCOMPARE(messages.at(1)["content"].toString(), QStringLiteral("海獭?"));
        if (k == ProviderKind::Ollama) {
            QCOMPARE(body.value("options")["temperature"].toDouble(), 0.25);
            QCOMPARE(body.value("options")["num_predict"].toInt(), 300);
            QVERIFY(!body.contains("max_tokens") && !body.contains("stream_options"));
        } else {
            QCOMPARE(body.value("temperature").toDouble(), 0.25);
            QCOMPARE(body.value("max_tokens").toInt(), 300);
            QCOMPARE(body.value("stream_options")["include_usage"], QJsonValue(true));
            params.stream = false;
            const QJsonObject once = QJsonDocument::fromJson(buildChatRequest(k, base, params).body).object();
            QCOMPARE(once.value("stream"), QJsonValue(false));
            QVERIFY(!once.contains("stream_options"));
        }
    }

    void openAiStreamWhole()
    {
        auto decoder = ChatStreamDecoder::create(ProviderKind::OpenAiCompatible);
        const Decoded d = decode(*decoder, kOpenAiStream, {});
        QVERIFY2(d.error.isEmpty(), qPrintable(d.error));
        // No empty delta: the role-only, finish and usage chunks carry no text.
        QCOMPARE(d.deltas.size(), 3);
        QCOMPARE(d.deltas.at(0).reasoning, QStringLiteral("Think."));
        QVERIFY(d.deltas.at(0).content.isEmpty());
        QCOMPARE(contents(d.deltas), QStringLiteral("Otters 海獭 eat fish 🦦."));
        QVERIFY(decoder->done());
        QCOMPARE(decoder->finishReason(), QStringLiteral("stop"));
        QVERIFY(decoder->usage().has_value());
        QCOMPARE(decoder->usage()->promptTokens, qint64(12));
        QCOMPARE(decoder->usage()->completionTokens, qint64(7));
        QCOMPARE(decoder->usage()->totalTokens, qint64(19));
    }

    void streamsCutAnywhere_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("stream");
        QTest::newRow("openai sse") << "openai-compatible" << kOpenAiStream;
        QTest::newRow("ollama ndjson") << "ollama" << kOllamaStream;
    }

    void streamsCutAnywhere()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, stream);
        const ProviderKind k = *kindFromName(kind);
        auto wholeDecoder = ChatStreamDecoder::create(k);
        const Decoded whole = decode(*wholeDecoder, stream, {});
        QVERIFY2(whole.error.isEmpty(), qPrintable(whole.error));
        QCOMPARE(contents(whole.deltas), QStringLiteral("Otters 海獭 eat fish 🦦."));
        for (qsizetype cut = 1; cut < stream.size(); ++cut) {
            auto decoder = ChatStreamDecoder::create(k);
            const Decoded split = decode(*decoder, stream, {cut});
            QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
            QCOMPARE(split.deltas.size(), whole.deltas.size());
            QCOMPARE(contents(split.deltas), contents(whole.deltas));
            QCOMPARE(decoder->finishReason(), QStringLiteral("stop"));
            QCOMPARE(decoder->usage()->totalTokens, qint64(19));
        }
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < stream.size(); ++i)
            everyByte.append(i);
        auto decoder = ChatStreamDecoder::create(k);
        const Decoded bytewise = decode(*decoder, stream, everyByte);
        QVERIFY2(bytewise.error.isEmpty(), qPrintable(bytewise.error));
        QCOMPARE(contents(bytewise.deltas), contents(whole.deltas));
        QVERIFY(decoder->done());
        QCOMPARE(decoder->usage()->promptTokens, qint64(12));
        QCOMPARE(decoder->usage()->completionTokens, qint64(7));
    }

    void missingTerminator_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QString>("mentions");
        const qsizetype done = kOpenAiStream.indexOf("data: [DONE]");
        QTest::newRow("no [DONE]") << "openai-compatible" << kOpenAiStream.left(done) << "before [DONE]";
        QTest::newRow("cut in event") << "openai-compatible" << kOpenAiStream.left(done - 20) << "middle of an event";
        QTest::newRow("[DONE] without blank line") << "openai-compatible" << kOpenAiStream.chopped(2) << "before [DONE]";
        QTest::newRow("empty openai") << "openai-compatible" << QByteArray() << "before [DONE]";
        const qsizetype last = kOllamaStream.lastIndexOf("{\"model\"");
        QTest::newRow("ollama no done") << "ollama" << kOllamaStream.left(last) << "\"done\": true";
        QTest::newRow("ollama cut line") << "ollama" << kOllamaStream.left(last + 30) << "not JSON";
        QTest::newRow("empty ollama") << "ollama" << QByteArray() << "\"done\": true";
    }

    void missingTerminator()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, stream);
        QFETCH(QString, mentions);
        const Decoded d = decode(*kindFromName(kind), stream);
        QVERIFY2(d.error.startsWith(kind + QStringLiteral(" chat stream: ")), qPrintable(d.error));
        QVERIFY2(d.error.contains(mentions), qPrintable(d.error));
    }

    void ollamaLastLineWithoutNewline()
    {
        auto decoder = ChatStreamDecoder::create(ProviderKind::Ollama);
        const Decoded d = decode(*decoder, kOllamaStream.chopped(1), {});
        QVERIFY2(d.error.isEmpty(), qPrintable(d.error));
        QVERIFY(decoder->done());
        QCOMPARE(decoder->usage()->totalTokens, qint64(19));
    }

    void errorsInsideStream_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("openai error object") << "openai-compatible"
            << QByteArray("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                          "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"429\"}}\n\n")
            << "Rate limit reached";
        QTest::newRow("openai error without message") << "openai-compatible"
            << QByteArray("data: {\"error\":{\"code\":503}}\n\n") << "{\"code\":503}";
        QTest::newRow("openai error event") << "openai-compatible"
            << QByteArray("event: error\ndata: {\"message\":\"overloaded\"}\n\n") << "overloaded";
        QTest::newRow("openai bad json") << "openai-compatible" << QByteArray("data: {\"choices\":[\n\n") << "not JSON";
        QTest::newRow("openai not object") << "openai-compatible" << QByteArray("data: [1,2]\n\n") << "not a JSON object";
        QTest::newRow("openai content number") << "openai-compatible"
            << QByteArray("data: {\"choices\":[{\"delta\":{\"content\":5}}]}\n\n") << "not a string";
        QTest::newRow("ollama error line") << "ollama"
            << QByteArray("{\"message\":{\"content\":\"a\"},\"done\":false}\n{\"error\":\"model 'x' not found\"}\n") << "not found";
        QTest::newRow("ollama garbage") << "ollama" << QByteArray("hello\n") << "not JSON";
    }

    void errorsInsideStream()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, stream);
        QFETCH(QString, mentions);
        auto decoder = ChatStreamDecoder::create(*kindFromName(kind));
        auto first = decoder->feed(stream);
        QVERIFY(!first.ok());
        QVERIFY2(first.error().contains(mentions), qPrintable(first.error()));
        QVERIFY(first.error().startsWith(kind));
        // A failed stream stays failed: more bytes and finish() report the same error.
        auto again = decoder->feed("data: [DONE]\n\n{\"done\":true}\n");
        QVERIFY(!again.ok());
        QCOMPARE(again.error(), first.error());
        auto finished = decoder->finish();
        QVERIFY(!finished.ok());
        QCOMPARE(finished.error(), first.error());
    }

    void bytesAfterTerminatorAreIgnored()
    {
        auto decoder = ChatStreamDecoder::create(ProviderKind::OpenAiCompatible);
        auto deltas = decoder->feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\ndata: garbage\n\n");
        QVERIFY(deltas.ok());
        QCOMPARE(deltas->size(), 1);
        QVERIFY(decoder->feed("data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n").value().isEmpty());
        QVERIFY(decoder->finish().ok());
        QVERIFY(!decoder->usage().has_value());
        QVERIFY(decoder->finishReason().isEmpty());
    }

    void nonStreaming_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("reasoning");
        QTest::addColumn<QString>("finish");
        QTest::addColumn<qint64>("total"); // -1: no usage
        QTest::newRow("openai") << "openai-compatible"
            << QByteArray(R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Fish.","reasoning_content":"Hmm."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})")
            << "Fish." << "Hmm." << "stop" << qint64(5);
        QTest::newRow("openai null content") << "siliconflow"
            << QByteArray(R"({"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"length"}]})")
            << "" << "" << "length" << qint64(-1);
        QTest::newRow("usage without total") << "openai-compatible"
            << QByteArray(R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":3,"completion_tokens":2}})")
            << "a" << "" << "" << qint64(5);
        QTest::newRow("ollama") << "ollama"
            << QByteArray(R"({"model":"m","message":{"role":"assistant","content":"Fish."},"done":true,"done_reason":"stop","prompt_eval_count":4,"eval_count":2})")
            << "Fish." << "" << "stop" << qint64(6);
        QTest::newRow("ollama old") << "ollama"
            << QByteArray(R"({"message":{"role":"assistant","content":"a","thinking":"t"},"done":true})")
            << "a" << "t" << "stop" << qint64(-1);
    }

    void nonStreaming()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        QFETCH(QString, content);
        QFETCH(QString, reasoning);
        QFETCH(QString, finish);
        QFETCH(qint64, total);
        const auto reply = parseChatCompletion(*kindFromName(kind), body);
        QVERIFY2(reply.ok(), qPrintable(reply.ok() ? QString() : reply.error()));
        QCOMPARE(reply->content, content);
        QCOMPARE(reply->reasoning, reasoning);
        QCOMPARE(reply->finishReason, finish);
        QCOMPARE(reply->usage ? reply->usage->totalTokens : -1, total);
    }

    void nonStreamingErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << "openai-compatible" << QByteArray("oops") << "not JSON";
        QTest::newRow("no choices") << "openai-compatible" << QByteArray(R"({"choices":[]})") << "choices";
        QTest::newRow("no message") << "openai-compatible" << QByteArray(R"({"choices":[{"delta":{}}]})") << "message";
        QTest::newRow("error") << "openai-compatible" << QByteArray(R"({"error":{"message":"bad key"}})") << "bad key";
        QTest::newRow("ollama error") << "ollama" << QByteArray(R"({"error":"no such model"})") << "no such model";
        QTest::newRow("ollama no message") << "ollama" << QByteArray(R"({"done":true})") << "message";
        QTest::newRow("array") << "ollama" << QByteArray("[]") << "not a JSON object";
    }

    void nonStreamingErrors()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const auto reply = parseChatCompletion(*kindFromName(kind), body);
        QVERIFY(!reply.ok());
        QVERIFY2(reply.error().startsWith(kind) && reply.error().contains(mentions), qPrintable(reply.error()));
    }

    void providerErrorMessages_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("openai") << QByteArray(R"({"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}})")
                                << "Incorrect API key";
        QTest::newRow("ollama") << QByteArray(R"({"error":"model 'llama3' not found"})") << "model 'llama3' not found";
        QTest::newRow("cohere") << QByteArray(R"({"message":"invalid api token"})") << "invalid api token";
        QTest::newRow("fastapi string") << QByteArray(R"({"detail":"Not Found"})") << "Not Found";
        QTest::newRow("fastapi list") << QByteArray(R"({"detail":[{"loc":["body","query"],"msg":"field required","type":"missing"},{"msg":"too long"}]})")
                                      << "field required; too long";
        QTest::newRow("error without message") << QByteArray(R"({"error":{"code":500}})") << R"({"error":{"code":500}})";
        QTest::newRow("html") << QByteArray("  <html>Bad Gateway</html>\n") << "<html>Bad Gateway</html>";
        QTest::newRow("empty") << QByteArray() << "";
        QTest::newRow("long") << QByteArray(300, 'x') << QString(200, u'x') + "...";
    }

    void providerErrorMessages()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(providerErrorMessage(body), message);
    }
};

QTEST_GUILESS_MAIN(TestChatWire)
#include "tst_chat_wire.moc"
