// The load tester measures `ragdesk serve` as it measures any RAG server (docs/serve.md,
// docs/loadtest.md): an OpenAI-compatible target over HTTP/2 and over HTTP/1.1, and a RAGFlow
// target whose multi-turn sessions continue on the server, all against an ApiServer on loopback.
#include "loadtest/load_runner.h"
#include "loadtest/remote_target.h"
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "support/serve_fixture.h"

#include <QTest>

#include <memory>

using namespace rag;
using namespace rag::loadtest;

namespace {

QCoro::Task<void> runInto(LoadRunner *runner)
{
    auto running = runner->run(CancelToken::create(), 10.0); // named: GCC 12 and co_await temporaries
    co_await running;
}

} // namespace

class TestLoadServe : public QObject {
    Q_OBJECT

    std::unique_ptr<test::ServeFixture> m_fx;

    RunSummary run(const QByteArray &target, const QByteArray &questions)
    {
        const QByteArray json = R"({"name": "serve", "target": )" + target + R"(, "questions": )" + questions
            + R"(, "load": {"model": "closed", "users": 4, "iterations": 2, "duration_s": 60}})";
        auto scenario = parseScenario(json, QDir::tempPath());
        if (!scenario) {
            QTest::qFail(qPrintable(scenario.error()), __FILE__, __LINE__);
            return {};
        }
        auto remote = RemoteTarget::create(scenario->target, scenario->load.users);
        if (!remote) {
            QTest::qFail(qPrintable(remote.error()), __FILE__, __LINE__);
            return {};
        }
        LoadRunner runner(**remote, *scenario, scenario->questions);
        QCoro::waitFor(runInto(&runner));
        return runner.recorder().summary();
    }

    QByteArray base() const { return m_fx->baseUrl(); }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<test::ServeFixture>();
        m_fx->start();
    }

    void cleanup() { m_fx.reset(); }

    void openAiTarget_data()
    {
        QTest::addColumn<bool>("http2");
        QTest::newRow("HTTP/1.1") << false;
        QTest::newRow("HTTP/2") << true;
    }

    void openAiTarget()
    {
        QFETCH(bool, http2);
        const RunSummary summary = run(R"({"kind": "openai", "url": ")" + base() + R"(/v1", "model": "guide", "http2": )"
                                           + (http2 ? "true" : "false") + "}",
                                       R"(["Why do sea otters hold hands?", "How do bees show the way?"])");
        QCOMPARE(summary.completed, 8);
        QCOMPARE(summary.failed, 0);
        QCOMPARE(summary.stages.value(QStringLiteral("ttfc")).count, 8);
        QCOMPARE(m_fx->server().activeAnswers(), 0);
    }

    void ragFlowTargetContinuesItsSessions()
    {
        // Each user asks a two-question session twice: four sessions of two answers each.
        const RunSummary summary = run(R"({"kind": "ragflow", "url": ")" + base() + R"(", "chat_id": "guide"})",
                                       R"([["Why do sea otters hold hands?", "And how do bees point?"]])");
        QCOMPARE(summary.completed, 8);
        QCOMPARE(summary.failed, 0);
        const QSqlDatabase db = m_fx->workspace().workspace->database().connection();
        auto guide = store::AssistantRepository(db).find(QStringLiteral("guide"));
        QVERIFY(guide);
        auto sessions = store::ConversationRepository(db).list(guide->id);
        QVERIFY(sessions);
        QVERIFY2(sessions->size() >= 4 && sessions->size() < 8, qPrintable(QString::number(sessions->size())));
        for (const store::Conversation &session : *sessions) {
            auto loaded = store::ConversationRepository(db).load(session.id);
            QVERIFY(loaded);
            QCOMPARE(loaded->messages.size() % 4, 0); // whole two-turn sessions
        }
    }
};

QTEST_GUILESS_MAIN(TestLoadServe)
#include "tst_load_serve.moc"
