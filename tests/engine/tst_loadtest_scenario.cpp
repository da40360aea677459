#include "loadtest/question_set.h"
#include "loadtest/scenario.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace rag::loadtest;

namespace {

// The example scenario from the issue, as an object tests can vary one key at a time.
QJsonObject issueExample()
{
    return QJsonDocument::fromJson(R"({"name": "s1",
        "target": {"kind": "embedded", "kb": "demo", "mode": "async", "pool": 35},
        "providers": {"simulator": {"profile": "field"}},
        "load": {"model": "closed", "users": 50, "ramp_s": 5, "think_ms": 0, "warmup_s": 10, "duration_s": 60},
        "questions": "questions.txt",
        "thresholds": ["p95(ttfc) < 1500ms", "error_rate < 1%"]})").object();
}

rag::Result<Scenario> parse(const QJsonObject &o, const QString &base = QStringLiteral("/base"))
{
    return parseScenario(QJsonDocument(o).toJson(), base);
}

QJsonObject withPath(QJsonObject o, const QString &section, const QString &key, const QJsonValue &value)
{
    QJsonObject inner = o.value(section).toObject();
    if (value.isUndefined())
        inner.remove(key);
    else
        inner.insert(key, value);
    o.insert(section, inner);
    return o;
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

} // namespace

class TestLoadtestScenario : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesTheIssueExample()
    {
        const auto s = parse(issueExample());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->name, QStringLiteral("s1"));
        QCOMPARE(s->target.kind, TargetKind::Embedded);
        QCOMPARE(s->target.kb, QStringLiteral("demo"));
        QCOMPARE(s->target.mode, EngineMode::Async);
        QCOMPARE(s->target.pool, 35);
        QVERIFY(!s->providers.real);
        QCOMPARE(s->providers.simulatorProfile, QStringLiteral("field"));
        QCOMPARE(s->load.model, LoadModel::Closed);
        QCOMPARE(s->load.users, 50);
        QCOMPARE(s->load.rampS, 5.0);
        QCOMPARE(s->load.warmupS, 10.0);
        QCOMPARE(s->load.durationS, 60.0);
        QCOMPARE(s->load.totalS(), 70.0);
        QCOMPARE(s->questionsPath, QStringLiteral("/base/questions.txt"));
        QCOMPARE(s->thresholds, (QStringList{QStringLiteral("p95(ttfc) < 1500ms"), QStringLiteral("error_rate < 1%")}));
        QCOMPARE(s->seed, quint64(1));
        QCOMPARE(s->source, issueExample());
        const auto withDeadline = parseScenario(R"({"name": "d", "target": {"kind": "embedded", "kb": "demo", "deadline_s": 7.5},
            "load": {"duration_s": 5}, "questions": ["hello"]})", QStringLiteral("/b"));
        QVERIFY(withDeadline.ok());
        QCOMPARE(withDeadline->target.deadlineS, 7.5);
    }

    void appliesDefaults()
    {
        const auto s = parseScenario(R"({"name": "d", "target": {"kind": "embedded", "kb": "demo"},
            "load": {"duration_s": 5}, "questions": ["hello"]})", QStringLiteral("/b"));
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->target.mode, EngineMode::Async);
        QCOMPARE(s->target.pool, 35);
        QCOMPARE(s->target.deadlineS, 120.0);
        QCOMPARE(s->providers.simulatorProfile, QStringLiteral("field"));
        QCOMPARE(s->load.model, LoadModel::Closed);
        QCOMPARE(s->load.users, 1);
        QCOMPARE(s->load.think, ThinkKind::Fixed);
        QCOMPARE(s->load.warmupS, 0.0);
        QVERIFY(!s->load.iterations);
        QCOMPARE(s->questions.sessions, (QList<QStringList>{{QStringLiteral("hello")}}));
        QVERIFY(s->questionsPath.isEmpty());
        QVERIFY(s->thresholds.isEmpty());
    }

    void parsesRemoteTargets()
    {
        QJsonObject o = issueExample();
        o.insert(QStringLiteral("target"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("openai")},
                                                      {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8080/v1")},
                                                      {QStringLiteral("model"), QStringLiteral("ragdesk")},
                                                      {QStringLiteral("api_key_env"), QStringLiteral("RAG_KEY")},
                                                      {QStringLiteral("http2"), true}});
        o.insert(QStringLiteral("providers"), QStringLiteral("real"));
        auto s = parse(o);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->target.kind, TargetKind::OpenAi);
        QVERIFY(s->target.http2);
        QCOMPARE(s->target.model, QStringLiteral("ragdesk"));
        QCOMPARE(s->target.apiKeyEnv, QStringLiteral("RAG_KEY"));
        QVERIFY(s->providers.real);

        o.insert(QStringLiteral("target"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("ragflow")},
                                                      {QStringLiteral("url"), QStringLiteral("https://rf.example/api")},
                                                      {QStringLiteral("chat_id"), QStringLiteral("c42")}});
        s = parse(o);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->target.kind, TargetKind::RagFlow);
        QCOMPARE(s->target.chatId, QStringLiteral("c42"));
        QVERIFY(!s->target.http2);
        QCOMPARE(s->target.url, QStringLiteral("https://rf.example/api"));
    }

    void parsesOpenModels()
    {
        QJsonObject o = issueExample();
        o.insert(QStringLiteral("load"), QJsonObject{{QStringLiteral("model"), QStringLiteral("open")}, {QStringLiteral("rate"), 100},
                                                    {QStringLiteral("arrival"), QStringLiteral("poisson")}, {QStringLiteral("duration_s"), 60}});
        auto s = parse(o);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->load.model, LoadModel::Open);
        QCOMPARE(s->load.arrival, ArrivalKind::Poisson);
        QCOMPARE(s->load.rate, 100.0);
        QCOMPARE(s->load.totalS(), 60.0);

        s = parseScenario(R"({"name": "ramp", "target": {"kind": "embedded", "kb": "demo"}, "questions": ["q"],
            "load": {"model": "open", "warmup_s": 5, "stages": [{"duration_s": 10, "rate": 50}, {"duration_s": 20, "rate": 50}]}})", QString());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->load.rate, 0.0); // the first stage ramps up from 0
        QCOMPARE(s->load.stages.size(), 2);
        QCOMPARE(s->load.stages[0].rate, 50.0);
        QCOMPARE(s->load.totalS(), 30.0);
        QCOMPARE(s->load.durationS, 25.0);
    }

    void refusesBadValuesNamingTheKey_data()
    {
        QTest::addColumn<QString>("section");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *tag, const char *section, const char *key, QJsonValue v, const char *expected) {
            QTest::newRow(tag) << QString::fromLatin1(section) << QString::fromLatin1(key) << v << QString::fromLatin1(expected);
        };
        row("users zero", "load", "users", 0, "load.users must be a whole number >= 1");
        row("users fraction", "load", "users", 2.5, "load.users must be a whole number >= 1");
        row("users string", "load", "users", QStringLiteral("50"), "load.users must be a whole number >= 1");
        row("users huge", "load", "users", 5e9, "load.users must be <= 1000000");
        row("duration huge", "load", "duration_s", 1e9, "load.duration_s must be <= 604800");
        row("ramp negative", "load", "ramp_s", -1, "load.ramp_s must be a number >= 0");
        row("think negative", "load", "think_ms", -5, "load.think_ms must be a number >= 0");
        row("think kind", "load", "think", QStringLiteral("gaussian"), "load.think must be one of fixed, exponential");
        row("duration zero", "load", "duration_s", 0, "load.duration_s must be a number > 0");
        row("duration missing", "load", "duration_s", QJsonValue(QJsonValue::Undefined), "load.duration_s is required");
        row("iterations zero", "load", "iterations", 0, "load.iterations must be a whole number >= 1");
        row("model", "load", "model", QStringLiteral("closd"), "load.model must be one of closed, open");
        row("load typo", "load", "user", 5, "unknown key load.user");
        row("kind", "target", "kind", QStringLiteral("grpc"), "target.kind must be one of embedded, openai, ragflow");
        row("kb missing", "target", "kb", QJsonValue(QJsonValue::Undefined), "target.kb is required");
        row("kb empty", "target", "kb", QStringLiteral(""), "target.kb must be a non-empty string");
        row("mode", "target", "mode", QStringLiteral("sync"), "target.mode must be one of async, blocking");
        row("pool", "target", "pool", 0, "target.pool must be a whole number >= 1");
        row("deadline zero", "target", "deadline_s", 0, "target.deadline_s must be a number > 0");
        row("deadline string", "target", "deadline_s", QStringLiteral("10"), "target.deadline_s must be a number > 0");
        row("target typo", "target", "url", QStringLiteral("http://x"), "unknown key target.url");
        row("simulator typo", "providers", "simulater", QJsonObject(), "unknown key providers.simulater");
    }

    void refusesBadValuesNamingTheKey()
    {
        QFETCH(QString, section);
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        const auto s = parse(withPath(issueExample(), section, key, value));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().startsWith(expected), qPrintable(s.error()));
    }

    void refusesTopLevelMistakes()
    {
        QJsonObject o = issueExample();
        o.insert(QStringLiteral("treshold"), QJsonArray());
        auto s = parse(o);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().startsWith(QStringLiteral("unknown key treshold")), qPrintable(s.error()));

        o = issueExample();
        o.remove(QStringLiteral("name"));
        QCOMPARE(parse(o).error(), QStringLiteral("name is required"));
        o = issueExample();
        o.remove(QStringLiteral("load"));
        QCOMPARE(parse(o).error(), QStringLiteral("load is required"));
        o = issueExample();
        o.insert(QStringLiteral("thresholds"), QJsonArray{1});
        QCOMPARE(parse(o).error(), QStringLiteral("thresholds must be an array of strings"));
        o = issueExample();
        o.insert(QStringLiteral("thresholds"), QJsonArray{QStringLiteral("error_rate < 1%"), QStringLiteral("p95(tffc) < 1s")});
        QVERIFY2(parse(o).error().startsWith(QStringLiteral("thresholds[1]: threshold \"p95(tffc) < 1s\": unknown stage tffc")),
                 qPrintable(parse(o).error()));
        o = issueExample();
        o.insert(QStringLiteral("questions"), 3);
        QCOMPARE(parse(o).error(), QStringLiteral("questions must be a file path or an array of questions"));
        o.insert(QStringLiteral("questions"), QJsonArray{QStringLiteral("ok"), 7});
        QCOMPARE(parse(o).error(), QStringLiteral("questions[1] must be a string or an array of strings"));
        o = issueExample();
        o.insert(QStringLiteral("seed"), -1);
        QCOMPARE(parse(o).error(), QStringLiteral("seed must be a whole number >= 0"));

        QVERIFY(!parseScenario("{not json", QString()).ok());
        QVERIFY(!parseScenario("[1]", QString()).ok());
    }

    void refusesBadRemoteAndOpenSettings()
    {
        // URLs inside raw strings are written "http:\/\/x" (a JSON escape): moc 6.4 reads a
        // "//" in a raw string as a comment and then misses this test class.
        auto s = parseScenario(R"({"name": "r", "target": {"kind": "openai", "url": "ftp:\/\/x", "model": "m"}, "load": {"duration_s": 1}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("target.url must be an http:// or https:// URL"));
        s = parseScenario(R"({"name": "r", "target": {"kind": "ragflow", "url": "http:\/\/x"}, "load": {"duration_s": 1}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("target.chat_id is required"));
        s = parseScenario(R"({"name": "r", "target": {"kind": "openai", "url": "http:\/\/x", "model": "m", "chat_id": "c"}, "load": {"duration_s": 1}, "questions": ["q"]})", QString());
        QVERIFY2(s.error().startsWith(QStringLiteral("unknown key target.chat_id")), qPrintable(s.error()));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "duration_s": 5}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("load.rate is required"));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "rate": 5, "duration_s": 5, "users": 3}, "questions": ["q"]})", QString());
        QVERIFY2(s.error().startsWith(QStringLiteral("unknown key load.users")), qPrintable(s.error()));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "rate": 100000, "duration_s": 600}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("load schedules 6e+07 arrivals, more than 1e+07: lower load.rate or the duration"));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "stages": [{"duration_s": 0, "rate": 5}]}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("load.stages[0].duration_s must be a number > 0"));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "stages": [{"duration_s": 5, "rate": 5}], "duration_s": 5}, "questions": ["q"]})", QString());
        QVERIFY2(s.error().startsWith(QStringLiteral("load.duration_s cannot be combined")), qPrintable(s.error()));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "load": {"model": "open", "warmup_s": 5, "stages": [{"duration_s": 5, "rate": 5}]}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("load.warmup_s must be shorter than the stages' total duration"));
        s = parseScenario(R"({"name": "o", "target": {"kind": "embedded", "kb": "k"}, "providers": {"simulator": {"profile": "a", "file": "b"}}, "load": {"duration_s": 1}, "questions": ["q"]})", QString());
        QCOMPARE(s.error(), QStringLiteral("providers.simulator takes profile or file, not both"));
    }

    void simulatorConnectionsBoundThreads()
    {
        auto s = parse(issueExample());
        QCOMPARE(s->providers.simulatorConnections, 128);
        QJsonObject o = issueExample();
        o.insert(QStringLiteral("providers"), QJsonObject{{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("profile"), QStringLiteral("field")},
                                                                                                    {QStringLiteral("connections"), 32}}}});
        s = parse(o);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->providers.simulatorConnections, 32);
        o.insert(QStringLiteral("providers"), QJsonObject{{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("connections"), 0}}}});
        QCOMPARE(parse(o).error(), QStringLiteral("providers.simulator.connections must be a whole number >= 1"));
        QVERIFY(!s->providers.simulatorHttp2); // HTTP/1.1 unless asked
        o.insert(QStringLiteral("providers"), QJsonObject{{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("http2"), true}}}});
        s = parse(o);
        QVERIFY(s.ok());
        QVERIFY(s->providers.simulatorHttp2);
        o.insert(QStringLiteral("providers"), QJsonObject{{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("http2"), 1}}}});
        QCOMPARE(parse(o).error(), QStringLiteral("providers.simulator.http2 must be true or false"));
    }

    void parsesSweeps()
    {
        auto s = parse(withPath(issueExample(), QStringLiteral("load"), QStringLiteral("sweep"), QJsonArray{1, 10, 50, 1000}));
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->load.sweep, (QList<double>{1, 10, 50, 1000}));
        QCOMPARE(s->load.users, 1000); // the largest step sizes the remote target's connections
        const LoadSpec third = s->load.atStep(2);
        QCOMPARE(third.users, 50);
        QVERIFY(third.sweep.isEmpty());
        QCOMPARE(third.durationS, 60.0);
        QCOMPARE(third.warmupS, 10.0);

        s = parseScenario(R"({"name": "s3", "target": {"kind": "embedded", "kb": "demo"}, "questions": ["q"],
            "load": {"model": "open", "arrival": "poisson", "sweep": [25, 50, 100, 200], "duration_s": 60}})", QString());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->load.atStep(0).rate, 25.0);
        QCOMPARE(s->load.atStep(3).rate, 200.0);
        QCOMPARE(s->load.atStep(3).arrival, ArrivalKind::Poisson);
    }

    void refusesBadSweeps_data()
    {
        QTest::addColumn<QJsonValue>("sweep");
        QTest::addColumn<QString>("error");
        const QString users = QStringLiteral("load.sweep must hold ascending whole numbers of users above 0 and up to 1000000");
        QTest::newRow("not an array") << QJsonValue(10) << QStringLiteral("load.sweep must be an array of 1 to 50 load values");
        QTest::newRow("empty") << QJsonValue(QJsonArray{}) << QStringLiteral("load.sweep must be an array of 1 to 50 load values");
        QTest::newRow("descending") << QJsonValue(QJsonArray{10, 5}) << users;
        QTest::newRow("repeated") << QJsonValue(QJsonArray{10, 10}) << users;
        QTest::newRow("fractional users") << QJsonValue(QJsonArray{1, 2.5}) << users;
        QTest::newRow("zero") << QJsonValue(QJsonArray{0, 5}) << users;
        QTest::newRow("a string") << QJsonValue(QJsonArray{1, QStringLiteral("10")}) << users;
    }

    void refusesBadSweeps()
    {
        QFETCH(QJsonValue, sweep);
        QFETCH(QString, error);
        const auto s = parse(withPath(issueExample(), QStringLiteral("load"), QStringLiteral("sweep"), sweep));
        QVERIFY(!s.ok());
        QCOMPARE(s.error(), error);
        const auto withIterations = parseScenario(R"({"name": "i", "target": {"kind": "embedded", "kb": "k"}, "questions": ["q"],
            "load": {"users": 2, "iterations": 3, "sweep": [1, 2]}})", QString());
        QCOMPARE(withIterations.error(), QStringLiteral("load.sweep cannot be combined with load.iterations"));
    }

    void iterationsReplaceTheDuration()
    {
        const auto s = parseScenario(R"({"name": "i", "target": {"kind": "embedded", "kb": "k"}, "load": {"users": 2, "iterations": 3}, "questions": ["q"]})", QString());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->load.iterations.value(), 3);
        QCOMPARE(s->load.durationS, 0.0);
    }

    void resolvesPathsAgainstTheScenarioFolder()
    {
        QJsonObject o = issueExample();
        o.insert(QStringLiteral("questions"), QStringLiteral("../data/q.txt"));
        o.insert(QStringLiteral("providers"), QJsonObject{{QStringLiteral("simulator"), QJsonObject{{QStringLiteral("file"), QStringLiteral("profiles/slow.json")}}}});
        auto s = parse(o, QStringLiteral("/srv/bench/s1"));
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
        QCOMPARE(s->questionsPath, QStringLiteral("/srv/bench/data/q.txt"));
        QCOMPARE(s->providers.simulatorFile, QStringLiteral("/srv/bench/s1/profiles/slow.json"));
        QVERIFY(s->providers.simulatorProfile.isEmpty());
        o.insert(QStringLiteral("questions"), QStringLiteral("/abs/q.txt"));
        QCOMPARE(parse(o, QStringLiteral("/srv"))->questionsPath, QStringLiteral("/abs/q.txt"));
    }

    void loadsQuestionTextWithSessionsAndComments()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("questions.txt"));
        writeFile(path, "# warm questions\nWhat is RAG?\n\n\nHow do I ingest PDFs?\nAnd Word files?\n# a comment inside\nAnd slides?\n\n  Last one  \n");
        const auto q = loadQuestions(path);
        QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error()));
        const QList<QStringList> expected{{QStringLiteral("What is RAG?")},
                                          {QStringLiteral("How do I ingest PDFs?"), QStringLiteral("And Word files?"), QStringLiteral("And slides?")},
                                          {QStringLiteral("Last one")}};
        QCOMPARE(q->sessions, expected);
        QCOMPARE(q->questionCount(), 5);
    }

    void loadsQuestionJson()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("q.json"));
        writeFile(path, R"( ["one", ["two a", "two b"]] )");
        const auto q = loadQuestions(path);
        QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error()));
        QCOMPARE(q->sessions, (QList<QStringList>{{QStringLiteral("one")}, {QStringLiteral("two a"), QStringLiteral("two b")}}));

        writeFile(path, R"(["one", [1]])");
        QCOMPARE(loadQuestions(path).error(), QStringLiteral("%1[1] must be an array of strings").arg(path));
        writeFile(path, "# only comments\n\n");
        QVERIFY(loadQuestions(path).error().contains(QStringLiteral("has no questions")));
        QVERIFY(loadQuestions(dir.filePath(QStringLiteral("missing.txt"))).error().startsWith(QStringLiteral("cannot read the questions file")));
    }
};

QTEST_GUILESS_MAIN(TestLoadtestScenario)
#include "tst_loadtest_scenario.moc"
