// Assistants and conversations in the database: the schema, validation that names the flag to
// fix, references and traces that survive a restart, cascades, and exchanges that are saved
// whole or not at all.
#include "store/assistant_repository.h"
#include "store/conversation_repository.h"
#include "store/migrations.h"
#include "store/provider_repository.h"
#include "store/sql.h"
#include "support/temp_workspace.h"

#include <QTest>

#include <limits>

using namespace rag;
using namespace rag::store;

namespace {

AssistantSpec spec(const QString &name, const QStringList &kbs = {QStringLiteral("docs")})
{
    AssistantSpec s;
    s.name = name;
    s.knowledgeBases = kbs;
    return s;
}

qint64 count(const QSqlDatabase &db, const QString &sql)
{
    auto query = exec(db, sql);
    if (!query || !query->next())
        return -1;
    return query->value(0).toLongLong();
}

StoredMessage message(const QString &role, const QString &content)
{
    StoredMessage m;
    m.role = role;
    m.content = content;
    m.at = QDateTime::currentDateTimeUtc();
    return m;
}

// A valid spec with one change, for the data-driven validation test.
template <typename Change>
AssistantSpec with(Change change)
{
    AssistantSpec s = spec(QStringLiteral("bad"));
    change(s);
    return s;
}

ChatReference reference(int index, qint64 chunkId, const QString &document, int page)
{
    ChatReference r;
    r.index = index;
    r.chunkId = chunkId;
    r.document = document;
    r.content = QStringLiteral("passage %1 — 中文也行").arg(index);
    r.page = page;
    r.similarity = 0.5 + index / 10.0;
    r.termSimilarity = 0.25 + index / 100.0;
    r.vectorSimilarity = 0.75 - index / 100.0;
    return r;
}

} // namespace

Q_DECLARE_METATYPE(rag::store::AssistantSpec)

class TestAssistantStore : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempWorkspace> m_ws;

    QSqlDatabase db() { return m_ws->workspace->database().connection(); }
    AssistantRepository assistants() { return AssistantRepository(db()); }
    ConversationRepository conversations() { return ConversationRepository(db()); }

    // An assistant with a conversation holding one exchange; returns the conversation id.
    qint64 conversationWithExchange(const QString &assistantName)
    {
        auto assistant = assistants().create(spec(assistantName));
        if (!assistant)
            return -1;
        auto conversation = conversations().create(assistant->id, QStringLiteral("first"));
        if (!conversation)
            return -1;
        StoredMessage answer = message(QStringLiteral("assistant"), QStringLiteral("an answer [ID:1]"));
        answer.references = {reference(1, 11, QStringLiteral("a.md"), 0)};
        if (!conversations().appendExchange(conversation->id, message(QStringLiteral("user"), QStringLiteral("q?")), answer))
            return -1;
        return conversation->id;
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<test::TempWorkspace>();
        QVERIFY(m_ws->workspace);
        for (const char *kb : {"docs", "notes"}) {
            KnowledgeBaseSpec kbSpec;
            kbSpec.name = QString::fromLatin1(kb);
            QVERIFY(m_ws->workspace->createKnowledgeBase(kbSpec));
        }
        ProviderRecord provider;
        provider.name = QStringLiteral("remote");
        provider.kind = QStringLiteral("openai-compatible");
        provider.baseUrl = QStringLiteral("http://127.0.0.1:1/v1");
        provider.model = QStringLiteral("m");
        QVERIFY(ProviderRepository(db()).add(provider));
    }

    void cleanup() { m_ws.reset(); }

    void migrationCreatesTablesWithForeignKeysOn()
    {
        QCOMPARE(m_ws->workspace->database().schemaVersion(), latestSchemaVersion());
        QVERIFY(latestSchemaVersion() >= 3);
        for (const char *name : {"assistants", "conversations", "messages", "conversations_by_assistant",
                                 "messages_by_conversation"}) {
            QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name = '%1'")
                                     .arg(QLatin1String(name))),
                     1);
        }
        // The cascades below depend on it.
        QCOMPARE(count(db(), QStringLiteral("PRAGMA foreign_keys")), 1);
    }

    void createListFindRemove()
    {
        AssistantSpec full = spec(QStringLiteral("  helper "), {QStringLiteral("docs"), QStringLiteral(" notes")});
        full.systemPrompt = QStringLiteral("Answer from {knowledge}.");
        full.prologue = QStringLiteral("Hi! Ask me.");
        full.emptyResponse = QStringLiteral("Nothing found.");
        full.topN = 3;
        full.topK = 50;
        full.similarityThreshold = 0.1;
        full.vectorSimilarityWeight = 0.7;
        full.reranker = QStringLiteral("none");
        full.llm = QStringLiteral("remote");
        full.temperature = 0.9;
        full.maxTokens = 2048;
        full.quote = false;
        auto created = assistants().create(full);
        QVERIFY2(created, created ? "" : qPrintable(created.error()));
        QVERIFY(created->id > 0);
        QVERIFY(assistants().create(spec(QStringLiteral("basic"))));

        auto found = assistants().find(QStringLiteral("helper"));
        QVERIFY(found);
        QCOMPARE(found->id, created->id);
        AssistantSpec expected = full; // every field back as written, names trimmed
        expected.name = QStringLiteral("helper");
        expected.knowledgeBases = {QStringLiteral("docs"), QStringLiteral("notes")};
        QVERIFY(found->spec == expected);

        auto byId = assistants().find(created->id);
        QVERIFY(byId);
        QVERIFY(byId->spec == expected);

        auto all = assistants().list();
        QVERIFY(all);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).spec.name, QStringLiteral("basic")); // by name
        QVERIFY(all->at(0).spec == spec(QStringLiteral("basic")));  // the defaults, kept

        QVERIFY(assistants().remove(QStringLiteral("helper")));
        QVERIFY(!assistants().find(QStringLiteral("helper")));
        QCOMPARE(assistants().list()->size(), 1);
        auto again = assistants().remove(QStringLiteral("helper"));
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("no assistant named 'helper'")), qPrintable(again.error()));
    }

    void invalidSpecIsRefused_data()
    {
        QTest::addColumn<AssistantSpec>("invalid");
        QTest::addColumn<QString>("message");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("empty name") << with([](AssistantSpec &s) { s.name.clear(); }) << "needs a name";
        QTest::newRow("blank name") << with([](AssistantSpec &s) { s.name = QStringLiteral("   "); }) << "needs a name";
        QTest::newRow("long name") << with([](AssistantSpec &s) { s.name = QString(201, QLatin1Char('a')); }) << "200 characters";
        QTest::newRow("no kb") << with([](AssistantSpec &s) { s.knowledgeBases.clear(); }) << "--kb needs at least one";
        QTest::newRow("empty kb") << with([](AssistantSpec &s) { s.knowledgeBases << QStringLiteral(" "); }) << "--kb has an empty";
        QTest::newRow("kb twice") << with([](AssistantSpec &s) { s.knowledgeBases << QStringLiteral("docs "); }) << "--kb names 'docs' twice";
        QTest::newRow("top-n 0") << with([](AssistantSpec &s) { s.topN = 0; }) << "--top-n must be between 1 and 100, not 0";
        QTest::newRow("top-n 101") << with([](AssistantSpec &s) { s.topN = 101; }) << "--top-n must be between 1 and 100";
        QTest::newRow("top-k 0") << with([](AssistantSpec &s) { s.topK = 0; }) << "--top-k must be between 1 and 10000";
        QTest::newRow("top-k 10001") << with([](AssistantSpec &s) { s.topK = 10001; }) << "--top-k must be between 1 and 10000";
        QTest::newRow("top-k below top-n") << with([](AssistantSpec &s) { s.topK = 5; }) << "--top-k (5) must be at least --top-n (6)";
        QTest::newRow("threshold < 0") << with([](AssistantSpec &s) { s.similarityThreshold = -0.01; }) << "--threshold must be between 0 and 1";
        QTest::newRow("threshold > 1") << with([](AssistantSpec &s) { s.similarityThreshold = 1.5; }) << "--threshold must be between 0 and 1";
        QTest::newRow("threshold NaN") << with([nan](AssistantSpec &s) { s.similarityThreshold = nan; }) << "--threshold";
        QTest::newRow("weight < 0") << with([](AssistantSpec &s) { s.vectorSimilarityWeight = -1; }) << "--vector-weight must be between 0 and 1";
        QTest::newRow("weight > 1") << with([](AssistantSpec &s) { s.vectorSimilarityWeight = 1.01; }) << "--vector-weight must be between 0 and 1";
        QTest::newRow("temperature < 0") << with([](AssistantSpec &s) { s.temperature = -0.1; }) << "--temperature must be between 0 and 2";
        QTest::newRow("temperature > 2") << with([](AssistantSpec &s) { s.temperature = 2.5; }) << "--temperature must be between 0 and 2";
        QTest::newRow("max-tokens 0") << with([](AssistantSpec &s) { s.maxTokens = 0; }) << "--max-tokens must be between 1 and 32768";
        QTest::newRow("max-tokens huge") << with([](AssistantSpec &s) { s.maxTokens = 40000; }) << "--max-tokens must be between";
        QTest::newRow("reranker empty") << with([](AssistantSpec &s) { s.reranker.clear(); }) << "--reranker needs a name";
        QTest::newRow("llm blank") << with([](AssistantSpec &s) { s.llm = QStringLiteral(" "); }) << "--llm needs a name";
        QTest::newRow("llm none") << with([](AssistantSpec &s) { s.llm = QStringLiteral("none"); }) << "--llm cannot be 'none'";
    }

    void invalidSpecIsRefused()
    {
        QFETCH(AssistantSpec, invalid);
        QFETCH(QString, message);
        auto valid = validateAssistantSpec(invalid);
        QVERIFY(!valid);
        QVERIFY2(valid.error().contains(message), qPrintable(valid.error()));
        auto created = assistants().create(invalid);
        QVERIFY(!created);
        QCOMPARE(created.error(), valid.error());
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM assistants")), 0);
    }

    void boundaryValuesAreAccepted()
    {
        AssistantSpec s = spec(QStringLiteral("edges"));
        s.topN = 100;
        s.topK = 10000;
        s.similarityThreshold = 0;
        s.vectorSimilarityWeight = 1;
        s.temperature = 2;
        s.maxTokens = 32768;
        QVERIFY(validateAssistantSpec(s));
        s.topN = 1;
        s.topK = 1;
        s.similarityThreshold = 1;
        s.vectorSimilarityWeight = 0;
        s.temperature = 0;
        s.maxTokens = 1;
        auto created = assistants().create(s);
        QVERIFY2(created, created ? "" : qPrintable(created.error()));
    }

    void unknownKnowledgeBaseIsRefused()
    {
        auto created = assistants().create(spec(QStringLiteral("a"), {QStringLiteral("docs"), QStringLiteral("ghost")}));
        QVERIFY(!created);
        QVERIFY2(created.error().contains(QStringLiteral("--kb")) && created.error().contains(QStringLiteral("'ghost'")),
                 qPrintable(created.error()));
        QCOMPARE(assistants().list()->size(), 0);
    }

    void providersMustBeConfiguredOrBuiltin()
    {
        AssistantSpec s = spec(QStringLiteral("a"));
        s.llm = QStringLiteral("ghost");
        auto created = assistants().create(s);
        QVERIFY(!created);
        QVERIFY2(created.error().contains(QStringLiteral("--llm")) && created.error().contains(QStringLiteral("providers list")),
                 qPrintable(created.error()));
        s.llm = QStringLiteral("builtin");
        s.reranker = QStringLiteral("ghost");
        created = assistants().create(s);
        QVERIFY(!created);
        QVERIFY2(created.error().contains(QStringLiteral("--reranker")), qPrintable(created.error()));
        QCOMPARE(assistants().list()->size(), 0);

        s.reranker = QStringLiteral("remote");
        s.llm = QStringLiteral("remote");
        QVERIFY(assistants().create(s));
    }

    void duplicateNameIsRefused()
    {
        QVERIFY(assistants().create(spec(QStringLiteral("twin"))));
        auto again = assistants().create(spec(QStringLiteral(" twin "), {QStringLiteral("notes")}));
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("already exists")), qPrintable(again.error()));
        QCOMPARE(assistants().find(QStringLiteral("twin"))->spec.knowledgeBases, QStringList{QStringLiteral("docs")});
    }

    void conversationsAreCreatedListedAndLoaded()
    {
        auto assistant = assistants().create(spec(QStringLiteral("a")));
        QVERIFY(assistant);
        auto first = conversations().create(assistant->id, QStringLiteral(" First question "));
        auto second = conversations().create(assistant->id, QStringLiteral("Second"));
        QVERIFY(first && second);
        QVERIFY(first->id != second->id);

        auto loaded = conversations().load(first->id);
        QVERIFY(loaded);
        QCOMPARE(loaded->title, QStringLiteral("First question"));
        QCOMPARE(loaded->assistantId, assistant->id);
        QVERIFY(loaded->messages.isEmpty());
        QVERIFY(qAbs(loaded->createdAt.msecsTo(QDateTime::currentDateTimeUtc())) < 60'000);

        auto listed = conversations().list(assistant->id);
        QVERIFY(listed);
        QCOMPARE(listed->size(), 2);
        QCOMPARE(listed->at(0).id, second->id); // newest first
        QCOMPARE(listed->at(1).id, first->id);

        auto orphan = conversations().create(assistant->id + 1000, QStringLiteral("x"));
        QVERIFY(!orphan);
        QVERIFY2(orphan.error().contains(QStringLiteral("no assistant")), qPrintable(orphan.error()));
        QVERIFY(!conversations().load(9999));

        QVERIFY(conversations().remove(first->id));
        QCOMPARE(conversations().list(assistant->id)->size(), 1);
        QVERIFY(!conversations().remove(first->id));
    }

    void exchangePersistsReferencesAndTraceAcrossRestarts()
    {
        auto assistant = assistants().create(spec(QStringLiteral("a")));
        QVERIFY(assistant);
        auto conversation = conversations().create(assistant->id, QStringLiteral("t"));
        QVERIFY(conversation);
        StoredMessage question = message(QString(), QStringLiteral("What is WAL?")); // role taken from its place
        StoredMessage answer = message(QStringLiteral("assistant"), QStringLiteral("Write-ahead logging [ID:1][ID:2]."));
        answer.at = question.at.addMSecs(1234);
        answer.references = {reference(1, 4'000'000'000LL, QStringLiteral("sqlite.pdf"), 7),
                             reference(2, 42, QStringLiteral("notes.md"), 0)};
        answer.traceJson = QStringLiteral(R"({"embed":1.5,"search":3.25,"rerank":12,"llm":250.125})");
        QVERIFY(conversations().appendExchange(conversation->id, question, answer));
        QVERIFY(conversations().appendExchange(conversation->id, message(QStringLiteral("user"), QStringLiteral("More?")),
                                               message(QStringLiteral("assistant"), QStringLiteral("No."))));

        m_ws->workspace.reset(); // a new process would see exactly this
        m_ws->workspace = m_ws->reopen();
        QVERIFY(m_ws->workspace);
        auto loaded = conversations().load(conversation->id);
        QVERIFY(loaded);
        QCOMPARE(loaded->messages.size(), 4);
        const StoredMessage &q = loaded->messages.at(0);
        const StoredMessage &a = loaded->messages.at(1);
        QCOMPARE(q.role, QStringLiteral("user"));
        QCOMPARE(q.content, question.content);
        QCOMPARE(q.at, question.at);
        QVERIFY(q.references.isEmpty());
        QVERIFY(q.traceJson.isEmpty());
        QCOMPARE(a.role, QStringLiteral("assistant"));
        QCOMPARE(a.content, answer.content);
        QCOMPARE(a.at, answer.at);
        QCOMPARE(a.traceJson, answer.traceJson);
        QCOMPARE(a.references.size(), 2);
        QVERIFY(a.references == answer.references); // every field, including the 64-bit chunk id
        QCOMPARE(loaded->messages.at(2).content, QStringLiteral("More?"));
        QCOMPARE(loaded->messages.at(3).role, QStringLiteral("assistant"));
        QVERIFY(loaded->messages.at(0).id < loaded->messages.at(3).id);
    }

    void removingAnAssistantRemovesItsConversations()
    {
        const qint64 gone = conversationWithExchange(QStringLiteral("gone"));
        const qint64 kept = conversationWithExchange(QStringLiteral("kept"));
        QVERIFY(gone > 0 && kept > 0);
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM messages")), 4);

        QVERIFY(assistants().remove(QStringLiteral("gone")));
        QVERIFY(!conversations().load(gone));
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM conversations")), 1);
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation_id = %1").arg(gone)), 0);
        QCOMPARE(conversations().load(kept)->messages.size(), 2);

        // Removing a conversation takes its messages too.
        QVERIFY(conversations().remove(kept));
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM messages")), 0);
    }

    void failedExchangeLeavesNothingHalfWritten()
    {
        const qint64 id = conversationWithExchange(QStringLiteral("a"));
        QVERIFY(id > 0);
        const QString total = QStringLiteral("SELECT COUNT(*) FROM messages");
        QCOMPARE(count(db(), total), 2);
        const StoredMessage question = message(QStringLiteral("user"), QStringLiteral("lonely question"));
        const StoredMessage answer = message(QStringLiteral("assistant"), QStringLiteral("answer"));

        auto missing = conversations().appendExchange(id + 1000, question, answer);
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(QStringLiteral("no conversation")), qPrintable(missing.error()));

        StoredMessage badTrace = answer;
        badTrace.traceJson = QStringLiteral("{not json");
        QVERIFY(!conversations().appendExchange(id, question, badTrace));
        QVERIFY(!conversations().appendExchange(id, question, message(QStringLiteral("user"), QStringLiteral("x"))));

        // The answer's insert fails after the question's succeeded: the question must go too.
        QVERIFY(exec(db(), QStringLiteral("CREATE TEMP TRIGGER fail_answers BEFORE INSERT ON messages"
                                          " WHEN NEW.role = 'assistant'"
                                          " BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        auto failed = conversations().appendExchange(id, question, answer);
        QVERIFY(!failed);
        QVERIFY2(failed.error().contains(QStringLiteral("injected failure")), qPrintable(failed.error()));
        QVERIFY(exec(db(), QStringLiteral("DROP TRIGGER fail_answers")));

        QCOMPARE(count(db(), total), 2);
        QCOMPARE(count(db(), QStringLiteral("SELECT COUNT(*) FROM messages WHERE content = 'lonely question'")), 0);
        // And the connection is usable afterwards: no transaction was left open.
        QVERIFY(conversations().appendExchange(id, question, answer));
        QCOMPARE(conversations().load(id)->messages.size(), 4);
    }
};

QTEST_GUILESS_MAIN(TestAssistantStore)
#include "tst_assistant_store.moc"
