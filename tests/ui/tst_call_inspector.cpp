#include "call_details.h"
#include "call_inspector.h"
#include "call_table_model.h"
#include "main_window.h"
#include "rerank_replay_dialog.h"
#include "store/rerank_call_json.h"
#include "store/rerank_call_repository.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace rag;
using Column = ui::CallTableModel::Column;

namespace {

constexpr int kTimeoutMs = 10000;

// What the engine stores: bodies redacted (see providers/calllog/secret_redactor) and compact.
const QString kRequest = QStringLiteral(
    R"({"model":"jina-reranker-v2","query":"why do otters hold hands","documents":["Sea otters hold hands while they sleep.",)"
    R"("Bees dance to point at flowers."],"top_n":3,"api_key":"[redacted]"})");
const QString kRequestPretty = QStringLiteral(R"({
  "model": "jina-reranker-v2",
  "query": "why do otters hold hands",
  "documents": [
    "Sea otters hold hands while they sleep.",
    "Bees dance to point at flowers."
  ],
  "top_n": 3,
  "api_key": "[redacted]"
})");
const QString kResponse = QStringLiteral(R"({"results":[{"index":0,"relevance_score":0.912},{"index":1,"relevance_score":0.55}],"usage":{"total_tokens":950}})");
const QString kHtmlError = QStringLiteral("<html><body>503 Service Unavailable</body></html>");

store::RerankCallRecord makeCall(const QString &provider, bool ok, double latencyMs, qint64 secondsAgo)
{
    store::RerankCallRecord c;
    c.at = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
    c.provider = provider;
    c.model = provider + QStringLiteral("-rerank-v2");
    c.endpoint = QStringLiteral("https://api.%1.example/v1/rerank").arg(provider);
    c.mode = QStringLiteral("async");
    c.thread = QStringLiteral("engine");
    c.documents = 8;
    c.bytes = 2048;
    c.attempts = 1;
    c.httpStatus = ok ? 200 : 503;
    c.ok = ok;
    c.latencyMs = latencyMs;
    c.tokens = ok ? 950 : 0;
    if (ok)
        c.topScores = {0.912, 0.55, 0.2};
    c.requestBody = kRequest;
    c.responseBody = ok ? kResponse : kHtmlError;
    return c;
}

// Ids 1..7 in this order; the newest first is 1, 2, ... 6, then 7 (two hours old).
QList<store::RerankCallRecord> sampleCalls()
{
    auto timeout = makeCall(QStringLiteral("jina"), false, 5000.0, 30);
    timeout.httpStatus = 0;
    timeout.attempts = 3;
    timeout.error = QStringLiteral("timed out after 5000 ms, 3 attempts");
    timeout.responseBody.clear();
    auto overloaded = makeCall(QStringLiteral("cohere"), false, 35.5, 50);
    overloaded.error = QStringLiteral("HTTP 503: overloaded, retry later");
    auto blocking = makeCall(QStringLiteral("jina"), true, 80.34, 20);
    blocking.mode = QStringLiteral("blocking");
    blocking.thread = QStringLiteral("blocking-pool-2");
    return {makeCall(QStringLiteral("jina"), true, 120.5, 10), blocking, timeout,
            makeCall(QStringLiteral("cohere"), true, 300.0, 40), overloaded,
            makeCall(QStringLiteral("builtin"), true, 2.0, 60), makeCall(QStringLiteral("cohere"), true, 950.0, 2 * 3600)};
}

void record(test::TempWorkspace &t, const QList<store::RerankCallRecord> &calls)
{
    auto done = store::RerankCallRepository(t.workspace->database().connection()).append(calls);
    QVERIFY2(done, done ? "" : qPrintable(done.error()));
}

struct Inspector {
    explicit Inspector(Workspace &workspace) : widget(workspace), shown(&widget, &ui::CallInspector::callsShown)
    {
        widget.resize(1280, 800);
        table = widget.findChild<QTableView *>(QStringLiteral("callTable"));
        provider = widget.findChild<QComboBox *>(QStringLiteral("providerFilter"));
        status = widget.findChild<QComboBox *>(QStringLiteral("statusFilter"));
        since = widget.findChild<QComboBox *>(QStringLiteral("sinceFilter"));
        minLatency = widget.findChild<QSpinBox *>(QStringLiteral("minLatencyFilter"));
        limit = widget.findChild<QSpinBox *>(QStringLiteral("limitFilter"));
        empty = widget.findChild<QLabel *>(QStringLiteral("emptyState"));
        // Counted queries below: no live refresh between them (liveRefreshShowsNewCalls has it).
        widget.findChild<QCheckBox *>(QStringLiteral("liveCalls"))->setChecked(false);
    }
    // Every filter change below starts one debounced query, so each waits for exactly one more.
    bool waitForQuery()
    {
        const int expected = ++queries;
        // More than one more would be a query nobody asked for.
        return QTest::qWaitFor([&] { return shown.size() >= expected; }, kTimeoutMs) && shown.size() == expected;
    }
    int rows() const { return table->model()->rowCount(); }
    QString cell(int row, int column) const { return table->model()->index(row, column).data().toString(); }

    ui::CallInspector widget;
    QSignalSpy shown;
    int queries = 0;
    QTableView *table = nullptr;
    QComboBox *provider = nullptr;
    QComboBox *status = nullptr;
    QComboBox *since = nullptr;
    QSpinBox *minLatency = nullptr;
    QSpinBox *limit = nullptr;
    QLabel *empty = nullptr;
};

} // namespace

class TestCallInspector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyLogSaysHowToGetCalls()
    {
        test::TempWorkspace t;
        Inspector in(*t.workspace);
        in.widget.show();
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.shown.last().first().toInt(), 0);
        QVERIFY(in.empty->isVisible());
        QVERIFY(in.empty->text().startsWith(QStringLiteral("No rerank calls recorded yet.")));
        QVERIFY(in.empty->text().contains(QStringLiteral("ragdesk providers test NAME")));
        QCOMPARE(in.widget.summaryText(), QStringLiteral("0 calls shown"));
        QVERIFY(!in.widget.findChild<QPushButton *>(QStringLiteral("exportCalls"))->isEnabled());
    }

    void filtersChangeTheRows()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        Inspector in(*t.workspace);
        in.widget.show();
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 7);
        QVERIFY(in.table->isVisible() && !in.empty->isVisible());
        // Newest first; times local to the millisecond; numbers right-aligned, latency to 0.1 ms.
        QCOMPARE(in.cell(0, Column::Provider), QStringLiteral("jina"));
        QCOMPARE(in.cell(0, Column::Latency), QStringLiteral("120.5"));
        QCOMPARE(in.cell(1, Column::Latency), QStringLiteral("80.3"));
        QCOMPARE(in.cell(1, Column::Mode), QStringLiteral("blocking"));
        const QDateTime newest = store::RerankCallRepository(t.workspace->database().connection()).find(1)->at;
        QCOMPARE(in.cell(0, Column::Time), newest.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        QCOMPARE(in.table->model()->index(0, Column::Latency).data(Qt::TextAlignmentRole).toInt(), int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(in.cell(0, Column::BestScore), QStringLiteral("0.912"));
        QCOMPARE(in.cell(0, Column::Outcome), QStringLiteral("ok"));
        QCOMPARE(in.cell(2, Column::Outcome), QStringLiteral("timed out after 5000 ms, 3 attempts"));
        QCOMPARE(in.cell(2, Column::HttpStatus), QStringLiteral("–"));
        // Error rows stand out; ok rows keep the palette's colour.
        QCOMPARE(in.table->model()->index(2, Column::Provider).data(Qt::ForegroundRole).value<QColor>(), ui::errorColor());
        QVERIFY(!in.table->model()->index(0, Column::Provider).data(Qt::ForegroundRole).isValid());
        // Latencies 2, 35.5, 80.34, 120.5, 300, 950, 5000: nearest rank 4 and 7.
        QCOMPARE(in.widget.summaryText(), QStringLiteral("7 calls shown · 2 errors · p50 120.5 ms · p95 5000.0 ms"));
        // The provider list comes from the log, in name order after "all".
        QStringList providers;
        for (int i = 0; i < in.provider->count(); ++i)
            providers.append(in.provider->itemText(i));
        QCOMPARE(providers, (QStringList{QStringLiteral("all"), QStringLiteral("builtin"), QStringLiteral("cohere"), QStringLiteral("jina")}));

        in.provider->setCurrentIndex(in.provider->findText(QStringLiteral("jina")));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 3);
        for (int row = 0; row < in.rows(); ++row)
            QCOMPARE(in.cell(row, Column::Provider), QStringLiteral("jina"));

        in.status->setCurrentIndex(in.status->findText(QStringLiteral("error")));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 1);
        QCOMPARE(in.cell(0, Column::Latency), QStringLiteral("5000.0"));
        QCOMPARE(in.widget.summaryText(), QStringLiteral("1 call shown · 1 error · p50 5000.0 ms · p95 5000.0 ms"));

        in.provider->setCurrentIndex(0); // all
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 2);

        in.status->setCurrentIndex(0);
        in.minLatency->setValue(300); // two changes, one debounced query
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 3); // 300, 950 and 5000 ms
        QVERIFY(!in.shown.wait(400));
        QCOMPARE(in.shown.size(), in.queries);

        in.minLatency->setValue(0);
        in.since->setCurrentIndex(in.since->findText(QStringLiteral("last hour")));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 6); // not the call of two hours ago

        in.limit->setValue(2);
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 2);
        QCOMPARE(in.cell(0, Column::Latency), QStringLiteral("120.5"));
        in.limit->setValue(500);
        QVERIFY(in.waitForQuery());

        // A typed provider name: keystrokes are coalesced into one query.
        in.provider->lineEdit()->selectAll();
        QTest::keyClicks(in.provider->lineEdit(), QStringLiteral("cohere"));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 2); // the third cohere call is two hours old
        QVERIFY(!in.shown.wait(400));
        QCOMPARE(in.shown.size(), in.queries);

        in.provider->lineEdit()->selectAll();
        QTest::keyClicks(in.provider->lineEdit(), QStringLiteral("nobody"));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 0);
        QVERIFY(in.empty->isVisible());
        QCOMPARE(in.empty->text(), QStringLiteral("No calls match these filters."));
    }

    void selectingARowShowsItsBodies()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        Inspector in(*t.workspace);
        QSignalSpy details(&in.widget, &ui::CallInspector::detailsShown);
        in.widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&in.widget));
        QVERIFY(in.waitForQuery());
        auto *request = in.widget.findChild<QPlainTextEdit *>(QStringLiteral("requestBody"));
        auto *response = in.widget.findChild<QPlainTextEdit *>(QStringLiteral("responseBody"));
        auto *fields = in.widget.findChild<QLabel *>(QStringLiteral("callFields"));
        QVERIFY(request && response && fields);
        QVERIFY(request->isReadOnly() && response->isReadOnly());
        QCOMPARE(request->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());

        QTest::mouseClick(in.table->viewport(), Qt::LeftButton, {}, in.table->visualRect(in.table->model()->index(0, Column::Provider)).center());
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 1, kTimeoutMs);
        QCOMPARE(details.first().first().toLongLong(), 1);
        // Re-indented as it went over the wire: key order kept, secrets already redacted.
        QCOMPARE(request->toPlainText(), kRequestPretty);
        QVERIFY(response->toPlainText().contains(QStringLiteral("\n      \"relevance_score\": 0.912\n")));
        QVERIFY(fields->text().contains(QStringLiteral("https://api.jina.example/v1/rerank")));
        QVERIFY(fields->text().contains(QStringLiteral("0.912, 0.550, 0.200")));

        if (const QString shot = qEnvironmentVariable("RAGDESK_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(in.widget.grab().save(shot));

        // An error row: its non-JSON body shows as it is, its error among the fields.
        QTest::mouseClick(in.table->viewport(), Qt::LeftButton, {}, in.table->visualRect(in.table->model()->index(4, Column::Provider)).center());
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 2, kTimeoutMs);
        QCOMPARE(details.last().first().toLongLong(), 5);
        QCOMPARE(response->toPlainText(), kHtmlError);
        QVERIFY(fields->text().contains(QStringLiteral("HTTP 503: overloaded, retry later")));

        // A refresh keeps the selected call selected (and does not fetch it again).
        in.widget.findChild<QPushButton *>(QStringLiteral("refreshCalls"))->click();
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.table->currentIndex().row(), 4);
        QCOMPARE(response->toPlainText(), kHtmlError);
        QCOMPARE(details.size(), 2);

        // Filtered out of view: the details go with it.
        in.status->setCurrentIndex(in.status->findText(QStringLiteral("ok")));
        QVERIFY(in.waitForQuery());
        QVERIFY(!in.table->currentIndex().isValid());
        QVERIFY(request->toPlainText().isEmpty() && response->toPlainText().isEmpty());
    }

    void prettyBodyOnlyTouchesValidJson()
    {
        // Braces, commas and escaped quotes inside strings are text, not structure.
        const QString tricky = QStringLiteral("{\"q\":\"a {b}, \\\"c\\\": [d]\",\"e\":[],\"f\":{ }}");
        const QString trickyPretty = QStringLiteral("{\n  \"q\": \"a {b}, \\\"c\\\": [d]\",\n  \"e\": [],\n  \"f\": {}\n}");
        QCOMPARE(ui::prettyBody(tricky), trickyPretty);
        const QString capped = QStringLiteral("{\"documents\":[\"a very long document…[9000 more bytes not kept]");
        QCOMPARE(ui::prettyBody(capped), capped);
        QCOMPARE(ui::prettyBody(QString()), QString());
    }

    void headersSortByValue()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        Inspector in(*t.workspace);
        in.widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&in.widget));
        QVERIFY(in.waitForQuery());
        QHeaderView *header = in.table->horizontalHeader();
        in.table->scrollTo(in.table->model()->index(0, Column::Latency));
        const QPoint latencyHeader(header->sectionViewportPosition(Column::Latency) + header->sectionSize(Column::Latency) / 2,
                                   header->height() / 2);
        const auto latencies = [&] {
            QList<double> values;
            for (int row = 0; row < in.rows(); ++row)
                values.append(in.cell(row, Column::Latency).toDouble());
            return values;
        };
        // First click: slowest first (by value: 950 after 5000, though "950.0" > "5000.0" as text).
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, latencyHeader);
        QCOMPARE(latencies(), (QList<double>{5000.0, 950.0, 300.0, 120.5, 80.3, 35.5, 2.0}));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, latencyHeader);
        QCOMPARE(latencies(), (QList<double>{2.0, 35.5, 80.3, 120.5, 300.0, 950.0, 5000.0}));
    }

    void exportWritesTheShownCalls()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        Inspector in(*t.workspace);
        in.widget.show();
        QVERIFY(in.waitForQuery());
        in.table->sortByColumn(Column::Latency, Qt::DescendingOrder);
        in.since->setCurrentIndex(in.since->findText(QStringLiteral("last hour")));
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.rows(), 6);

        const QString jsonPath = t.path(QStringLiteral("calls.json"));
        QCOMPARE(in.widget.exportTo(jsonPath), QString());
        QFile jsonFile(jsonPath);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonArray array = QJsonDocument::fromJson(jsonFile.readAll(), &error).array();
        QCOMPARE(error.error, QJsonParseError::NoError);
        // The shown rows in the shown order (slowest first), with the CLI's field names, no bodies.
        QList<qint64> ids;
        for (const QJsonValue &v : array)
            ids.append(v.toObject().value(QStringLiteral("id")).toInteger());
        QCOMPARE(ids, (QList<qint64>{3, 4, 1, 2, 5, 6}));
        QStringList keys = array.first().toObject().keys();
        QStringList fields = store::rerankCallJsonFields(false);
        keys.sort();
        fields.sort();
        QCOMPARE(keys, fields);
        const QJsonObject slowest = array.first().toObject();
        QCOMPARE(slowest.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
        QCOMPARE(slowest.value(QStringLiteral("error")).toString(), QStringLiteral("timed out after 5000 ms, 3 attempts"));
        QCOMPARE(slowest.value(QStringLiteral("latency_ms")).toDouble(), 5000.0);
        QVERIFY(array.at(1).toObject().value(QStringLiteral("error")).isNull());
        QVERIFY(slowest.value(QStringLiteral("at")).toString().endsWith(u'Z'));

        const QString csvPath = t.path(QStringLiteral("calls.csv"));
        QCOMPARE(in.widget.exportTo(csvPath), QString());
        QFile csvFile(csvPath);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csvFile.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 7);
        QCOMPARE(lines.first(), store::rerankCallJsonFields(false).join(u','));
        QVERIFY(lines.at(1).startsWith(QStringLiteral("3,")));
        // Cells with commas are quoted; scores are a JSON array; a successful call has no error.
        QVERIFY2(lines.at(1).contains(QStringLiteral(",\"timed out after 5000 ms, 3 attempts\",")), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(3).startsWith(QStringLiteral("1,")) && lines.at(3).contains(QStringLiteral(",ok,120.5,,950,\"[0.912,0.55,0.2]\"")),
                 qPrintable(lines.at(3)));

        QVERIFY(!in.widget.exportTo(t.path(QStringLiteral("missing-dir/calls.json"))).isEmpty());
    }

    void aNewerQuerySupersedesAnOlderOne()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        Inspector in(*t.workspace);
        in.widget.show();
        QVERIFY(in.waitForQuery());
        // Both queries run in order on the one thread; the first one's rows are dropped.
        in.status->setCurrentIndex(in.status->findText(QStringLiteral("error")));
        in.widget.refresh();
        in.status->setCurrentIndex(in.status->findText(QStringLiteral("ok")));
        in.widget.refresh();
        QVERIFY(in.waitForQuery());
        QCOMPARE(in.shown.last().first().toInt(), 5);
        QVERIFY(!in.shown.wait(400));
        QCOMPARE(in.shown.size(), in.queries);
        QCOMPARE(in.rows(), 5);
    }

    // Ticked "Live" (the default), a shown inspector picks up calls made since; hidden, it stops
    // querying.
    // A logged call's query and documents go to the built-in reranker from the detail pane's
    // "Replay..."; the dialog shows both rankings with each change of rank marked, and the
    // replay, a real call, is in the list once the dialog closes.
    void replaysACallSideBySide()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/otters.md")),
                                "# Otters\nSea otters hold hands while they sleep so they do not drift apart.\n"));
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/bees.md")), "# Bees\nBees dance to point at flowers.\n"));
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/rivers.md")), "# Rivers\nRiver otters sleep in dens.\n"));
        t.ingest(QStringLiteral("nature"), {t.path(QStringLiteral("docs"))});
        // Logged with bees first: a ranking the built-in reranker will not share.
        auto logged = makeCall(QStringLiteral("jina"), true, 120.5, 5);
        logged.query = QStringLiteral("why do otters hold hands");
        QSqlQuery chunks(t.workspace->database().connection());
        QVERIFY(chunks.exec(QStringLiteral("SELECT id, content FROM chunks ORDER BY id")));
        while (chunks.next()) {
            const QString content = chunks.value(1).toString();
            logged.chunkIds.append(chunks.value(0).toLongLong());
            logged.scores.append(content.contains(QStringLiteral("Bees")) ? 0.9 : content.contains(QStringLiteral("River")) ? 0.5 : 0.2);
        }
        QCOMPARE(logged.chunkIds.size(), 3);
        logged.documents = 3;
        record(t, {makeCall(QStringLiteral("cohere"), true, 300.0, 40), logged});

        Inspector in(*t.workspace);
        QSignalSpy details(&in.widget, &ui::CallInspector::detailsShown);
        QSignalSpy opened(&in.widget, &ui::CallInspector::replayOpened);
        in.widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&in.widget));
        QVERIFY(in.waitForQuery());
        auto *replay = in.widget.findChild<QPushButton *>(QStringLiteral("replayCall"));
        QVERIFY(replay && !replay->isEnabled());

        // A call logged without its documents cannot be replayed, and the button says why.
        QTest::mouseClick(in.table->viewport(), Qt::LeftButton, {}, in.table->visualRect(in.table->model()->index(1, Column::Provider)).center());
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 1, kTimeoutMs);
        QVERIFY(!replay->isEnabled());
        QVERIFY(replay->toolTip().contains(QStringLiteral("without its documents")));

        QTest::mouseClick(in.table->viewport(), Qt::LeftButton, {}, in.table->visualRect(in.table->model()->index(0, Column::Provider)).center());
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 2, kTimeoutMs);
        QVERIFY(replay->isEnabled());
        QTest::mouseClick(replay, Qt::LeftButton);
        QCOMPARE(opened.size(), 1);
        auto *dialog = qobject_cast<ui::RerankReplayDialog *>(opened.first().first().value<QDialog *>());
        QVERIFY(dialog && dialog->isVisible());
        auto *reranker = dialog->findChild<QComboBox *>(QStringLiteral("replayReranker"));
        QCOMPARE(reranker->currentData().toString(), QStringLiteral("builtin")); // not the logged provider
        QSignalSpy replayed(dialog, &ui::RerankReplayDialog::replayed);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("runReplay")), Qt::LeftButton);
        QVERIFY(dialog->isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(replayed.size(), 1, kTimeoutMs);

        const api::RerankReplayReport &report = dialog->report();
        QVERIFY2(report.ok(), qPrintable(report.error));
        auto *table = dialog->findChild<QTableWidget *>(QStringLiteral("replayTable"));
        QCOMPARE(table->rowCount(), 3);
        QVERIFY(report.moved() > 0);
        for (int row = 0; row < table->rowCount(); ++row) {
            const api::RerankReplayRow &expected = report.rows.at(row); // both in the logged order
            QCOMPARE(table->item(row, 0)->data(Qt::DisplayRole).toInt(), row + 1);
            QCOMPARE(table->item(row, 1)->data(Qt::DisplayRole).toInt(), expected.replayRank);
            const QString change = table->item(row, 2)->text();
            if (expected.rankChange() > 0)
                QCOMPARE(change, QStringLiteral("▲ %1").arg(expected.rankChange()));
            else if (expected.rankChange() < 0)
                QCOMPARE(change, QStringLiteral("▼ %1").arg(-expected.rankChange()));
            else
                QCOMPARE(change, QStringLiteral("="));
        }
        QCOMPARE(table->item(0, 5)->text(), QStringLiteral("bees.md")); // the logged best
        auto *summary = dialog->findChild<QLabel *>(QStringLiteral("replaySummary"));
        QVERIFY2(summary->text().contains(QStringLiteral("Replayed by <b>builtin</b>")), qPrintable(summary->text()));
        QVERIFY(summary->text().contains(QStringLiteral("logged: jina, 120.5 ms")));

        if (const QString shot = qEnvironmentVariable("RAGDESK_REPLAY_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(dialog->grab().save(shot));
        const int before = in.rows();
        dialog->reject();
        QTRY_COMPARE_WITH_TIMEOUT(in.rows(), before + 1, kTimeoutMs);
        QCOMPARE(in.cell(0, Column::Provider), QStringLiteral("builtin"));
    }

    void liveRefreshShowsNewCalls()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        ui::CallInspector widget(*t.workspace);
        QVERIFY(widget.findChild<QCheckBox *>(QStringLiteral("liveCalls"))->isChecked());
        QSignalSpy shown(&widget, &ui::CallInspector::callsShown);
        widget.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
        QCOMPARE(shown.last().first().toInt(), 7);
        record(t, {makeCall(QStringLiteral("cohere"), true, 12.0, 4)});
        QTRY_VERIFY_WITH_TIMEOUT(shown.last().first().toInt() == 8, kTimeoutMs);

        widget.hide();
        const qsizetype queries = shown.size();
        record(t, {makeCall(QStringLiteral("cohere"), true, 13.0, 4)});
        QVERIFY(!shown.wait(2500)); // longer than the live interval: nothing queried while hidden
        QCOMPARE(shown.size(), queries);
    }

    void mainWindowShowsTheInspectorInATab()
    {
        test::TempWorkspace t;
        record(t, sampleCalls());
        ui::MainWindow window(*t.workspace);
        window.callInspector()->findChild<QCheckBox *>(QStringLiteral("liveCalls"))->setChecked(false); // counted queries
        QSignalSpy shown(window.callInspector(), &ui::CallInspector::callsShown);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.tabs()->count(), 4);
        QCOMPARE(window.tabs()->tabText(1), QStringLiteral("Rerank calls"));
        QCOMPARE(window.tabs()->currentIndex(), 0);
        QCOMPARE(shown.size(), 0); // hidden: no query yet

        window.tabs()->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, kTimeoutMs);
        QCOMPARE(shown.last().first().toInt(), 7);

        // Coming back to the tab shows calls recorded in between.
        auto late = makeCall(QStringLiteral("voyage"), false, 42.0, 1);
        late.model = QStringLiteral("voyage-rerank-2-lite-with-a-model-name-longer-than-any-column-should-be");
        late.error = QStringLiteral("HTTP 400: ") + QString(QStringLiteral("the request was rejected because ")).repeated(12);
        record(t, {late});
        window.tabs()->setCurrentIndex(0);
        window.tabs()->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, kTimeoutMs);
        QCOMPARE(shown.last().first().toInt(), 8);
    }
};

QTEST_MAIN(TestCallInspector)
#include "tst_call_inspector.moc"
