// The rerank call log: secrets never stored, bodies capped, filters, retention, and a writer that
// takes records from many threads without losing or blocking any.
#include "providers/calllog/rerank_call_log.h"
#include "providers/calllog/secret_redactor.h"
#include "store/database.h"
#include "store/rerank_call_repository.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

using namespace rag;
using namespace rag::providers;

namespace {

store::RerankCallRecord call(const QString &provider, bool ok, double latencyMs, const QDateTime &at)
{
    store::RerankCallRecord c;
    c.at = at;
    c.provider = provider;
    c.model = QStringLiteral("rerank-1");
    c.endpoint = QStringLiteral("http://127.0.0.1:1/jina/v1/rerank");
    c.mode = QStringLiteral("async");
    c.thread = QStringLiteral("engine");
    c.documents = 3;
    c.bytes = 120;
    c.attempts = ok ? 1 : 3;
    c.httpStatus = ok ? 200 : 503;
    c.ok = ok;
    c.latencyMs = latencyMs;
    if (!ok)
        c.error = QStringLiteral("HTTP 503");
    c.tokens = 42;
    c.topScores = {0.9, 0.5};
    c.requestBody = QStringLiteral("{\"query\":\"q\"}");
    c.responseBody = QStringLiteral("{\"results\":[]}");
    return c;
}

// The field rule as one global regular expression: what the redactor did before it looked for
// the quotes the pattern can start at; it must still do exactly this.
QString redactFieldsByGlobalMatch(QString text)
{
    static const QRegularExpression field(
        QStringLiteral("(\"(?:[A-Za-z0-9_-]*(?:api[_-]?key|apikey|secret|password|passwd|authorization|access[_-]?token|"
                       "bearer)[A-Za-z0-9_-]*)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\""),
        QRegularExpression::CaseInsensitiveOption);
    text.replace(field, QStringLiteral("\\1\"[redacted]\""));
    static const QRegularExpression bearer(QStringLiteral("Bearer\\s+[A-Za-z0-9._~+/=-]{4,}"));
    text.replace(bearer, QStringLiteral("Bearer [redacted]"));
    return text;
}

} // namespace

class TestCallLog : public QObject {
    Q_OBJECT
private slots:
    void init();
    void redactsKnownSecretsAndSecretFields();
    void threadsAreLabelledReadably();
    void redactsFieldsAsOneGlobalMatchWould();
    void capsBodiesWithoutSplittingCharacters();
    void storesAndFilters();
    void keepsTheRetentionLimit();
    void takesRecordsFromManyThreads();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<store::Database> m_db;
};

void TestCallLog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto url = store::DatabaseUrl::parse(QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("t.db")));
    QVERIFY(url.ok());
    auto db = store::Database::open(*url);
    QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error()));
    m_db = *db;
}

void TestCallLog::redactsKnownSecretsAndSecretFields()
{
    const QString body = QStringLiteral(
        R"({"query":"q","api_key":"abc123","nested":{"Authorization":"Bearer sk-live-999"},"note":"key sk-proj-777 inside",)"
        R"("usage":{"total_tokens":12},"access_token":"tok\"en"})");
    const QString redacted = redactSecrets(body, {QStringLiteral("sk-proj-777")});
    QVERIFY(!redacted.contains(QStringLiteral("abc123")));
    QVERIFY(!redacted.contains(QStringLiteral("sk-live-999")));
    QVERIFY(!redacted.contains(QStringLiteral("sk-proj-777")));
    QVERIFY(!redacted.contains(QStringLiteral("tok\\\"en")));
    QVERIFY(redacted.contains(QStringLiteral("\"api_key\":\"[redacted]\"")));
    QVERIFY(redacted.contains(QStringLiteral("\"total_tokens\":12"))); // counts are not secrets
    QVERIFY(redacted.contains(QStringLiteral("\"query\":\"q\"")));
    // Too short to be a key: redacting it would blank out ordinary text.
    QCOMPARE(redactSecrets(QStringLiteral("a b c"), {QStringLiteral("a")}), QStringLiteral("a b c"));
}

void TestCallLog::redactsFieldsAsOneGlobalMatchWould()
{
    const QStringList pieces{QStringLiteral("\""), QStringLiteral("\\\""), QStringLiteral(":"), QStringLiteral(" : "),
                             QStringLiteral("api_key"), QStringLiteral("X-Api-Key"), QStringLiteral("password"),
                             QStringLiteral("PASSWD"), QStringLiteral("my_secret_1"), QStringLiteral("access-token"),
                             QStringLiteral("AccessToken"), QStringLiteral("Authorization"), QStringLiteral("x_bearer"),
                             QStringLiteral("apikey2"), QStringLiteral("Api-Key"), QStringLiteral("relevance_score"),
                             QStringLiteral("Bearer "), QStringLiteral("Bearer abc.def"), QStringLiteral("query"),
                             QStringLiteral("passage text"), QStringLiteral(","), QStringLiteral("{"), QStringLiteral("}"),
                             QStringLiteral("\\"), QStringLiteral("é"), QStringLiteral("\n"),
                             QStringLiteral("\"password\":\"hunter2\""), QStringLiteral("\"API_KEY\" : \"k\\\"1\"")};
    QRandomGenerator random(7);
    int redactedSome = 0;
    for (int round = 0; round < 20000; ++round) {
        QString text;
        const int length = 1 + int(random.bounded(24));
        for (int i = 0; i < length; ++i)
            text += pieces.at(random.bounded(int(pieces.size())));
        const QString expected = redactFieldsByGlobalMatch(text);
        QCOMPARE(redactSecrets(text, {}), expected);
        redactedSome += expected != text ? 1 : 0;
    }
    QVERIFY(redactedSome > 1000); // the cases that matter were generated, not just the easy ones
}

void TestCallLog::capsBodiesWithoutSplittingCharacters()
{
    const QByteArray body = QString(QStringLiteral("é")).repeated(100).toUtf8(); // 200 bytes
    const QString capped = redactAndCap(body, {}, 51);
    QVERIFY(capped.startsWith(QString(QStringLiteral("é")).repeated(25)));
    QVERIFY(!capped.contains(QChar::ReplacementCharacter));
    QVERIFY(capped.contains(QStringLiteral("150 more bytes not kept")));
    QCOMPARE(redactAndCap("short", {}, 51), QStringLiteral("short"));
    // A secret straddling the cut is removed before cutting.
    const QString secretAtCut = redactAndCap("xxxxxxxxxxsk-abcdefgh", {QStringLiteral("sk-abcdefgh")}, 14);
    QVERIFY(!secretAtCut.contains(QStringLiteral("sk-a")));
}

void TestCallLog::storesAndFilters()
{
    store::RerankCallRepository repository(m_db->connection());
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-60);
    QVERIFY(repository.append({call(QStringLiteral("jina"), true, 120, t0), call(QStringLiteral("jina"), false, 900, t0.addSecs(10)),
                               call(QStringLiteral("cohere"), true, 300, t0.addSecs(20))}).ok());

    auto all = repository.query({});
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(0).provider, QStringLiteral("cohere")); // newest first
    QCOMPARE(all->at(0).at, t0.addSecs(20));
    QCOMPARE(all->at(0).topScores, (QList<double>{0.9, 0.5}));
    QVERIFY(all->at(0).requestBody.isEmpty()); // bodies only when asked for

    store::RerankCallFilter filter;
    filter.provider = QStringLiteral("jina");
    QCOMPARE(repository.query(filter)->size(), 2);
    filter.status = QStringLiteral("error");
    auto errors = repository.query(filter);
    QCOMPARE(errors->size(), 1);
    QCOMPARE(errors->at(0).httpStatus, 503);
    QCOMPARE(errors->at(0).attempts, 3);
    QCOMPARE(errors->at(0).error, QStringLiteral("HTTP 503"));

    store::RerankCallFilter slow;
    slow.minLatencyMs = 250;
    QCOMPARE(repository.query(slow)->size(), 2);
    store::RerankCallFilter recent;
    recent.since = t0.addSecs(5);
    QCOMPARE(repository.query(recent)->size(), 2);
    store::RerankCallFilter one;
    one.limit = 1;
    one.withBodies = true;
    auto newest = repository.query(one);
    QCOMPARE(newest->size(), 1);
    QCOMPARE(newest->at(0).responseBody, QStringLiteral("{\"results\":[]}"));
    auto found = repository.find(newest->at(0).id);
    QVERIFY(found.ok());
    QCOMPARE(found->requestBody, QStringLiteral("{\"query\":\"q\"}"));
}

void TestCallLog::keepsTheRetentionLimit()
{
    {
        RerankCallLog log(m_db, 50);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 130; ++i)
            log.record(call(QStringLiteral("p%1").arg(i), true, i, t0.addMSecs(i)));
        log.flush();
        QCOMPARE(log.dropped(), 0);
    }
    store::RerankCallRepository repository(m_db->connection());
    QCOMPARE(*repository.count(), 50);
    store::RerankCallFilter filter;
    filter.limit = 100;
    auto kept = repository.query(filter);
    QCOMPARE(kept->first().provider, QStringLiteral("p129")); // the newest are the ones kept
    QCOMPARE(kept->last().provider, QStringLiteral("p80"));
}

void TestCallLog::takesRecordsFromManyThreads()
{
    RerankCallLog log(m_db, 100'000);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    QList<QFuture<void>> writers;
    for (int t = 0; t < 4; ++t) {
        writers.append(QtConcurrent::run([&log, t, t0] {
            for (int i = 0; i < 250; ++i)
                log.record(call(QStringLiteral("thread%1").arg(t), i % 2 == 0, i, t0.addMSecs(i)));
        }));
    }
    for (auto &w : writers)
        w.waitForFinished();
    log.flush();
    QCOMPARE(*store::RerankCallRepository(m_db->connection()).count(), 1000);
    store::RerankCallFilter filter;
    filter.provider = QStringLiteral("thread2");
    filter.status = QStringLiteral("ok");
    filter.limit = 1000;
    QCOMPARE(store::RerankCallRepository(m_db->connection()).query(filter)->size(), 125);
}

// The inspector's thread column: a named thread by its name, an unnamed (pool) thread by a
// number of its own that stays the same for that thread, never a raw pointer.
void TestCallLog::threadsAreLabelledReadably()
{
    QThread named;
    named.setObjectName(QStringLiteral("engine"));
    QString namedLabel;
    QObject context;
    context.moveToThread(&named);
    named.start();
    QMetaObject::invokeMethod(&context, [&namedLabel] { namedLabel = providers::RerankCallLog::currentThreadLabel(); },
                              Qt::BlockingQueuedConnection);
    named.quit();
    named.wait();
    QCOMPARE(namedLabel, QStringLiteral("engine"));

    QThreadPool pool;
    pool.setMaxThreadCount(2);
    QSemaphore arrived;
    QSemaphore go;
    QStringList labels[2];
    QList<QFuture<void>> tasks;
    for (QStringList &mine : labels) {
        tasks.append(QtConcurrent::run(&pool, [&mine, &arrived, &go] {
            arrived.release();
            go.acquire(); // held until both tasks run: two different threads label
            for (int i = 0; i < 3; ++i)
                mine.append(providers::RerankCallLog::currentThreadLabel());
        }));
    }
    arrived.acquire(2);
    go.release(2);
    for (QFuture<void> &task : tasks)
        task.waitForFinished();
    static const QRegularExpression poolLabel(QStringLiteral("^pool thread \\d+$"));
    for (const QStringList &mine : labels) {
        QCOMPARE(mine.size(), 3);
        QVERIFY2(poolLabel.match(mine.first()).hasMatch(), qPrintable(mine.first()));
        QCOMPARE(mine.count(mine.first()), 3); // stable on its thread
    }
    QVERIFY(labels[0].first() != labels[1].first());
}

QTEST_GUILESS_MAIN(TestCallLog)
#include "tst_call_log.moc"
