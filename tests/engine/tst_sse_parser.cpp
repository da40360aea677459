#include "providers/wire/sse_parser.h"

#include <QTest>

using rag::providers::SseEvent;
using rag::providers::SseParser;

namespace {
QList<SseEvent> parseInPieces(const QByteArray &stream, const QList<qsizetype> &cuts)
{
    SseParser parser;
    QList<SseEvent> events;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        events += parser.feed(QByteArrayView(stream).sliced(from, cut - from));
        from = cut;
    }
    events += parser.feed(QByteArrayView(stream).sliced(from));
    return events;
}

QStringList datas(const QList<SseEvent> &events)
{
    QStringList out;
    for (const SseEvent &e : events)
        out.append(e.data);
    return out;
}
} // namespace

class TestSseParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void openAiStyleStream()
    {
        const QByteArray stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                                  ": keep-alive\n\n"
                                  "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"
                                  "data: [DONE]\n\n";
        const auto events = parseInPieces(stream, {});
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).type, QStringLiteral("message"));
        QCOMPARE(events.at(2).data, QStringLiteral("[DONE]"));
    }

    void everyLineEndingWorks_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::newRow("LF") << QByteArray("data: a\ndata: b\n\ndata: c\n\n");
        QTest::newRow("CRLF") << QByteArray("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n");
        QTest::newRow("CR") << QByteArray("data: a\rdata: b\r\rdata: c\r\r");
        QTest::newRow("mixed") << QByteArray("data: a\r\ndata: b\r\n\ndata: c\r\r\n");
    }

    void everyLineEndingWorks()
    {
        QFETCH(QByteArray, stream);
        QCOMPARE(datas(parseInPieces(stream, {})), (QStringList{QStringLiteral("a\nb"), QStringLiteral("c")}));
    }

    void chunkBoundariesMayFallAnywhere()
    {
        // Multi-byte UTF-8 (CJK, emoji), CRLF and field names all get cut somewhere.
        const QByteArray stream = QStringLiteral("event: delta\r\nid: 7\r\ndata: 海獭 🦦 hold\r\ndata:  hands\r\n\r\n"
                                                 ": comment\r\ndata: second\r\n\r\n")
                                      .toUtf8();
        const auto whole = parseInPieces(stream, {});
        QCOMPARE(whole.size(), 2);
        QCOMPARE(whole.at(0).type, QStringLiteral("delta"));
        QCOMPARE(whole.at(0).id, QStringLiteral("7"));
        QCOMPARE(whole.at(0).data, QStringLiteral("海獭 🦦 hold\n hands")); // one leading space stripped, not two
        for (qsizetype cut = 1; cut < stream.size(); ++cut) {
            const auto split = parseInPieces(stream, {cut});
            QCOMPARE(datas(split), datas(whole));
            QCOMPARE(split.at(0).type, QStringLiteral("delta"));
        }
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < stream.size(); ++i)
            everyByte.append(i);
        QCOMPARE(datas(parseInPieces(stream, everyByte)), datas(whole));
    }

    void fieldsFollowTheSpec()
    {
        SseParser parser;
        const auto events = parser.feed("\xEF\xBB\xBF"  // a BOM is skipped
                                        "data\n\n"       // a field without colon: empty data, still an event
                                        "data:no-space\n\n"
                                        "event: ping\n\n" // no data: nothing is dispatched
                                        "retry: 1500\nretry: soon\nid: 42\nunknown: x\ndata: last\n\n");
        QCOMPARE(datas(events), (QStringList{QString(), QStringLiteral("no-space"), QStringLiteral("last")}));
        QCOMPARE(events.at(2).type, QStringLiteral("message")); // "ping" did not leak into it
        QCOMPARE(parser.retryMs(), 1500);
        QCOMPARE(parser.lastEventId(), QStringLiteral("42"));
        QCOMPARE(events.at(2).id, QStringLiteral("42"));
    }

    void anEventCutShortIsDroppedAndReported()
    {
        SseParser parser;
        QCOMPARE(parser.feed("data: complete\n\ndata: cut sho").size(), 1);
        QVERIFY(parser.finish());
        SseParser clean;
        QCOMPARE(clean.feed("data: complete\n\n").size(), 1);
        QVERIFY(!clean.finish());
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sse_parser.moc"
