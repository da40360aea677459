// The demo knowledge base that ships in resources/demo: every file ingests, and questions a new
// user asks find the file that answers them.
#include "support/temp_workspace.h"

#include <QFileInfo>
#include <QTest>

using namespace rag;

class TestDemoCorpus : public QObject {
    Q_OBJECT
    test::TempWorkspace m_t;
    QList<QPair<QString, QString>> m_questions = {
        {QStringLiteral("which two scripts build and run ragdesk"), QStringLiteral("getting-started.md")},
        {QStringLiteral("how much overlap should chunks have"), QStringLiteral("knowledge-bases.md")},
        {QStringLiteral("how are csv rows turned into text when ingested"), QStringLiteral("ingesting-documents.md")},
        {QStringLiteral("what does the vector weight do"), QStringLiteral("search-and-scoring.md")},
        {QStringLiteral("what does the [ID:n] marker in an answer mean"), QStringLiteral("chat-and-citations.md")},
        {QStringLiteral("which rerankers can I use"), QStringLiteral("providers.md")},
        {QStringLiteral("why does a single QNetworkAccessManager turn async calls back into a queue"),
         QStringLiteral("async-vs-blocking.md")},
        {QStringLiteral("what is TTFC"), QStringLiteral("load-testing.md")},
        {QStringLiteral("what is recorded for every rerank call"), QStringLiteral("reranker-call-inspector.md")},
        {QStringLiteral("what should I do when the database is locked"), QStringLiteral("troubleshooting-faq.txt")},
        {QStringLiteral("print only the file path of the best search hit"), QStringLiteral("command-cheat-sheet.csv")},
        {QStringLiteral("what data leaves my computer when I add a reranker or chat model"),
         QStringLiteral("privacy-and-data.html")},
        {QStringLiteral("how do I ingest a folder of documents"), QStringLiteral("ingesting-documents.md")},
    };

    ingest::IngestReport m_report;

private Q_SLOTS:
    // Every test reads the same knowledge base, so each one can also be run alone.
    void initTestCase()
    {
        const QString demo = QStringLiteral(RAGDESK_SOURCE_DIR "/resources/demo");
        QVERIFY2(QFileInfo(demo).isDir(), qPrintable(demo));
        m_report = m_t.ingest(QStringLiteral("demo"), {demo});
    }

    void everyDemoFileIngests()
    {
        QVERIFY(!m_report.anyFailed());
        QVERIFY(m_report.count(ingest::IngestFileOutcome::Status::Added) >= 10);
    }

    void questionsFindTheirAnswers()
    {
        int first = 0;
        for (const auto &[question, file] : std::as_const(m_questions)) {
            index::SearchOptions options;
            options.topN = 3;
            auto result = m_t.workspace->search(QStringLiteral("demo"), question, options);
            QVERIFY(result);
            QStringList documents;
            for (const auto &hit : std::as_const(result->hits))
                documents.append(hit.chunk.document);
            QVERIFY2(documents.contains(file), qPrintable(question + QStringLiteral(" -> ") + documents.join(u' ')));
            first += !documents.isEmpty() && documents.first() == file;
        }
        // Measured at 11 of 13 when written; a ranking change that loses more is a regression.
        QVERIFY2(first >= 11, qPrintable(QString::number(first)));
    }
};

QTEST_GUILESS_MAIN(TestDemoCorpus)
#include "tst_demo_corpus.moc"
