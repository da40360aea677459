// Answers and passages as the chat shows them: Markdown rendered, raw HTML shown as text,
// citation markers numbered from 1 and never shown raw, even cut off mid-stream.
#include "chat_transcript.h"
#include "markdown_html.h"

#include <QPalette>
#include <QTest>
#include <QTextDocument>

using namespace rag;

namespace {
QString plain(const QString &html)
{
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText();
}

QString linked(int index)
{
    return QStringLiteral("<a href=\"cite:0/%1\">[%2]</a>").arg(index).arg(index + 1);
}
} // namespace

class TestMarkdownHtml : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void markdownIsRendered()
    {
        const QString html = ui::markdownToHtml(QStringLiteral("# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n"));
        QVERIFY2(html.contains(QStringLiteral("font-weight:700")), qPrintable(html));
        QVERIFY(html.contains(QStringLiteral("monospace")));
        QVERIFY(html.contains(QStringLiteral("<li")));
        QVERIFY(!html.contains(QStringLiteral("<body")));
        const QString text = plain(html);
        QVERIFY2(text.contains(QStringLiteral("Some bold and code.")), qPrintable(text));
        QVERIFY(!text.contains(u'*') && !text.contains(u'#') && !text.contains(u'`'));
    }

    void rawHtmlIsShownNotInterpreted()
    {
        const QString html = ui::markdownToHtml(QStringLiteral("a <img src=x onerror=alert(1)> and <b>b</b>"));
        QVERIFY2(!html.contains(QStringLiteral("<img")) && !html.contains(QStringLiteral("<b>")), qPrintable(html));
        QVERIFY2(plain(html).contains(QStringLiteral("<b>b</b>")), qPrintable(plain(html)));
    }

    void citationsBecomeWhatTheCallerSays()
    {
        QList<int> asked;
        const QString html = ui::answerToHtml(QStringLiteral("Otters **hold hands** [ID:0] while asleep [ID:2]."), [&](int i) {
            asked.append(i);
            return linked(i);
        });
        QCOMPARE(asked, (QList<int>{0, 2}));
        QVERIFY2(html.contains(linked(0)) && html.contains(linked(2)), qPrintable(html));
        QCOMPARE(plain(html).trimmed(), QStringLiteral("Otters hold hands [1] while asleep [3]."));
    }

    void aMarkerCutByTheStreamIsHeldBack_data()
    {
        QTest::addColumn<QString>("answer");
        for (const char *tail : {"[", "[I", "[ID", "[ID:", "[ID:1", "[ID:12"})
            QTest::newRow(tail) << QStringLiteral("Sea otters sleep afloat ") + QString::fromLatin1(tail);
    }
    void aMarkerCutByTheStreamIsHeldBack()
    {
        QFETCH(QString, answer);
        const QString text = plain(ui::answerToHtml(answer, linked)).trimmed();
        QCOMPARE(text, QStringLiteral("Sea otters sleep afloat"));
    }

    // The transcript takes its colours from the palette: a dark theme gets a dark question box,
    // light text and a red that reads on it.
    void aDarkPaletteIsFollowed()
    {
        ui::ChatTranscript transcript;
        QPalette dark = transcript.palette();
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::AlternateBase, QColor(0x30, 0x30, 0x30));
        dark.setColor(QPalette::Text, QColor(0xff, 0xff, 0xff));
        transcript.setPalette(dark);
        transcript.addQuestion(QStringLiteral("Why do otters hold hands?"));
        transcript.beginAnswer();
        transcript.failAnswer(QStringLiteral("the model is down"), false);
        const QString html = transcript.toHtml();
        QVERIFY2(html.contains(QStringLiteral("#303030")) && html.contains(QStringLiteral("#ffffff")), qPrintable(html));
        QVERIFY(html.contains(QStringLiteral("#ef9a9a")));
        QVERIFY(!html.contains(QStringLiteral("#c62828")));
    }

    // While the answer streams, its Markdown renders and a marker shows as its number, never
    // as "[ID:0]"; the whole answer arrives in pieces cut anywhere.
    void aStreamingAnswerRendersAsItGrows()
    {
        ui::ChatTranscript transcript;
        transcript.addQuestion(QStringLiteral("Why do otters hold hands?"));
        transcript.beginAnswer();
        const QString answer = QStringLiteral("They **hold hands** [ID:0] so as not to drift [ID:1].");
        for (qsizetype at = 0; at < answer.size(); at += 5) {
            transcript.appendDelta(answer.mid(at, 5));
            QVERIFY2(!transcript.toPlainText().contains(QStringLiteral("[ID")), qPrintable(transcript.toPlainText()));
        }
        QTRY_VERIFY2(transcript.toPlainText().contains(QStringLiteral("They hold hands [1] so as not to drift [2].")),
                     qPrintable(transcript.toPlainText()));
        QVERIFY(transcript.toPlainText().contains(QStringLiteral("Why do otters hold hands?")));
    }
};

QTEST_MAIN(TestMarkdownHtml)
#include "tst_markdown_html.moc"
