// readJsonObject() stands in for QJsonDocument::fromJson() on the bodies the simulator reads: what
// it accepts must be exactly what Qt makes of the same bytes, and what it is unsure of it must
// leave to Qt. Checked on chosen cases and on thousands of damaged variants of real bodies.
#include "core/json_reader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using rag::readJsonObject;

namespace {

// Qt's own reading of the bytes, or nullopt when Qt refuses them or they are not an object.
std::optional<QJsonObject> qtRead(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

QByteArray rerankBody()
{
    QJsonArray documents;
    documents.append(QStringLiteral("Plain ASCII passage about vacuum and autovacuum."));
    documents.append(QStringLiteral("Unicode: naïve café, Ελληνικά, 日本語, emoji 😀, and \"quotes\" \\ slashes"));
    documents.append(QStringLiteral("Control characters:\n\ttabbed\r\nand a \u0001 byte"));
    documents.append(QString());
    return QJsonDocument(QJsonObject{{QStringLiteral("model"), QStringLiteral("rerank-v1")},
                                     {QStringLiteral("query"), QStringLiteral("how does autovacuum work?")},
                                     {QStringLiteral("top_n"), 3},
                                     {QStringLiteral("return_documents"), false},
                                     {QStringLiteral("temperature"), 0.25},
                                     {QStringLiteral("nothing"), QJsonValue::Null},
                                     {QStringLiteral("nested"), QJsonObject{{QStringLiteral("a"), QJsonArray{1, -2.5e3, true}}}},
                                     {QStringLiteral("documents"), documents}})
        .toJson(QJsonDocument::Indented);
}

} // namespace

class TestJsonReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsWhatQtReads_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("rerank body") << rerankBody();
        QTest::newRow("compact") << QJsonDocument::fromJson(rerankBody()).toJson(QJsonDocument::Compact);
        QTest::newRow("empty") << QByteArray("{}");
        QTest::newRow("spaces") << QByteArray(" \t\r\n{ \"a\" : [ ] , \"b\" : { } }\n ");
        QTest::newRow("escapes") << QByteArray("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC \\ud83d\\ude00\"}");
        QTest::newRow("numbers") << QByteArray("{\"n\":[0,-0,1,-17,123456789012345678,1234567890123456789,1.5,-0.25,1e3,2E-2,1.5e+10]}");
        QTest::newRow("repeated key") << QByteArray("{\"a\":1,\"a\":2}");
        QTest::newRow("utf-8 raw") << QByteArray("{\"k\":\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"}");
    }

    void readsWhatQtReads()
    {
        QFETCH(QByteArray, json);
        const auto ours = readJsonObject(json);
        const auto qts = qtRead(json);
        QVERIFY(qts.has_value());
        QVERIFY2(ours.has_value(), json.constData());
        QCOMPARE(*ours, *qts);
    }

    void leavesTheUnsureToQt_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty input") << QByteArray();
        QTest::newRow("array at the top") << QByteArray("[1]");
        QTest::newRow("trailing comma") << QByteArray("{\"a\":1,}");
        QTest::newRow("garbage after") << QByteArray("{\"a\":1} x");
        QTest::newRow("single quotes") << QByteArray("{'a':1}");
        QTest::newRow("raw newline in string") << QByteArray("{\"a\":\"x\ny\"}");
        QTest::newRow("bad escape") << QByteArray("{\"a\":\"\\x\"}");
        QTest::newRow("lone high surrogate") << QByteArray("{\"a\":\"\\ud83d\"}");
        QTest::newRow("lone low surrogate") << QByteArray("{\"a\":\"\\ude00\"}");
        QTest::newRow("invalid utf-8") << QByteArray("{\"a\":\"\xc3\x28\"}");
        QTest::newRow("truncated utf-8") << QByteArray("{\"a\":\"\xe6\x97\"}");
        QTest::newRow("leading zero") << QByteArray("{\"a\":01}");
        QTest::newRow("bare dot") << QByteArray("{\"a\":1.}");
        QTest::newRow("plus sign") << QByteArray("{\"a\":+1}");
        QTest::newRow("too large") << QByteArray("{\"a\":1e999}");
        QTest::newRow("unterminated") << QByteArray("{\"a\":\"abc");
        QTest::newRow("deep") << QByteArray("{\"a\":") + QByteArray(100, '[') + QByteArray(100, ']') + "}";
    }

    void leavesTheUnsureToQt()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!readJsonObject(json).has_value());
    }

    // Bytes dropped, repeated and replaced at random in real bodies: whenever our reader
    // accepts the result, Qt accepts it too and reads the same object.
    void agreesWithQtOnDamagedBodies()
    {
        const QByteArray seeds[] = {rerankBody(), QJsonDocument::fromJson(rerankBody()).toJson(QJsonDocument::Compact)};
        const char alphabet[] = "{}[]\",:\\ u0e1.-+tfnal\xc3\xa9\xf0";
        QRandomGenerator random(42);
        int accepted = 0;
        for (int round = 0; round < 6000; ++round) {
            QByteArray bytes = seeds[round % 2];
            const int edits = 1 + int(random.bounded(3));
            for (int e = 0; e < edits && !bytes.isEmpty(); ++e) {
                const qsizetype at = random.bounded(bytes.size());
                switch (random.bounded(3)) {
                case 0: bytes.remove(at, 1); break;
                case 1: bytes.insert(at, bytes.at(at)); break;
                default: bytes[at] = alphabet[random.bounded(int(sizeof(alphabet) - 1))]; break;
                }
            }
            const auto ours = readJsonObject(bytes);
            if (!ours)
                continue;
            ++accepted;
            const auto qts = qtRead(bytes);
            QVERIFY2(qts.has_value(), bytes.constData());
            QVERIFY2(*ours == *qts, bytes.constData());
        }
        QVERIFY(accepted > 500); // many edits land inside strings and keep the body valid
    }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_json_reader.moc"
