// The provider registry: a provider's first use is read off the engine thread, once, however many
// requests ask for it meanwhile; what it hands out is never replaced; the blocking baseline's pool
// threads get the same objects; and a bad name or capability is a clear error, tried again later.
#include "providers/provider_registry.h"
#include "providers/chat/chat_model.h"
#include "providers/key_store.h"
#include "providers/rerank/reranker.h"
#include "store/provider_repository.h"
#include "support/temp_workspace.h"

#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>

using namespace rag;
using namespace rag::providers;

namespace {

// QVERIFY2 builds its message whether or not the check holds.
template <typename T>
QByteArray errorOf(const Result<T> &result)
{
    return result ? QByteArray() : result.error().toUtf8();
}

template <typename T>
QCoro::Task<void> into(QCoro::Task<T> task, std::optional<T> *out)
{
    out->emplace(co_await std::move(task));
}

} // namespace

class TestProviderRegistry : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;
    std::unique_ptr<ProviderRegistry> m_registry;

    void addProvider(const QString &name, const QString &kind, const QString &keyStore = QStringLiteral("none"))
    {
        store::ProviderRecord record{name, kind, QStringLiteral("http://127.0.0.1:9/v1"), QStringLiteral("m")};
        record.keyStore = keyStore;
        QVERIFY(store::ProviderRepository(m_ws->workspace->database().connection()).add(record));
    }

private Q_SLOTS:
    void init()
    {
        qputenv("RAGDESK_KEYCHAIN", "off");
        m_ws = std::make_unique<test::TempWorkspace>();
        m_registry = std::make_unique<ProviderRegistry>(ProviderRegistry::Services{
            m_ws->workspace->sharedDatabase(), m_ws->path(QStringLiteral("data")), QThreadPool::globalInstance(), nullptr});
    }

    void cleanup()
    {
        m_registry.reset();
        m_ws.reset();
    }

    void firstUsesShareOneLoad()
    {
        addProvider(QStringLiteral("rr"), QStringLiteral("cohere"));
        const int connectionsBefore = m_ws->workspace->database().openConnections(); // this thread's
        std::optional<Result<Reranker *>> a, b, c;
        auto ta = into(m_registry->reranker(QStringLiteral("rr")), &a);
        auto tb = into(m_registry->reranker(QStringLiteral("rr")), &b);
        QTRY_VERIFY(a && b);
        // Read on a pool thread: it opened a connection of its own (SQLite connections are per
        // thread). Whether the load ends before the first co_await is up to the scheduler.
        QCOMPARE(m_ws->workspace->database().openConnections(), connectionsBefore + 1);
        QVERIFY2(*a && *b, errorOf(*a) + errorOf(*b));
        QVERIFY(**a != nullptr);
        QCOMPARE(**a, **b);
        QCOMPARE(m_registry->loads(), 1);

        auto tc = into(m_registry->reranker(QStringLiteral("rr")), &c);
        QVERIFY(c); // from the cache, at once
        QCOMPARE(**c, **a);
        QCOMPARE(m_registry->loads(), 1);
    }

    void poolThreadsGetTheSameObjects()
    {
        addProvider(QStringLiteral("llm"), QStringLiteral("openai-compatible"));
        // First asked from a pool thread, as the blocking baseline does, while this loop runs.
        QFuture<Result<ChatModel *>> blocking =
            QtConcurrent::run([registry = m_registry.get()] { return registry->chatModelBlocking(QStringLiteral("llm")); });
        QTRY_VERIFY(blocking.isFinished());
        const Result<ChatModel *> fromPool = blocking.result();
        QVERIFY2(fromPool, errorOf(fromPool));
        std::optional<Result<ChatModel *>> fromLoop;
        auto task = into(m_registry->chatModel(QStringLiteral("llm")), &fromLoop);
        QTRY_VERIFY(fromLoop);
        QCOMPARE(**fromLoop, *fromPool);
        QCOMPARE(m_registry->loads(), 1);
    }

    void keysAreReadWithTheProvider()
    {
        QString warning;
        QVERIFY(KeyStore(m_ws->path(QStringLiteral("data"))).store(QStringLiteral("keyed"), QStringLiteral("sk-test"), &warning));
        addProvider(QStringLiteral("keyed"), QStringLiteral("cohere"), QStringLiteral("file"));
        addProvider(QStringLiteral("lost"), QStringLiteral("cohere"), QStringLiteral("file"));
        std::optional<Result<Reranker *>> keyed, lost;
        auto tk = into(m_registry->reranker(QStringLiteral("keyed")), &keyed);
        auto tl = into(m_registry->reranker(QStringLiteral("lost")), &lost);
        QTRY_VERIFY(keyed && lost);
        QVERIFY2(*keyed, errorOf(*keyed));
        QVERIFY(!*lost);
        QVERIFY2(lost->error().contains(QStringLiteral("API key of 'lost' is missing")), errorOf(*lost));
    }

    void badNamesAndCapabilitiesAreClearErrors()
    {
        addProvider(QStringLiteral("rr"), QStringLiteral("cohere"));
        std::optional<Result<Reranker *>> missing, none;
        std::optional<Result<ChatModel *>> wrongKind, extractive;
        auto t1 = into(m_registry->reranker(QStringLiteral("missing")), &missing);
        auto t2 = into(m_registry->chatModel(QStringLiteral("rr")), &wrongKind);
        auto t3 = into(m_registry->reranker(QStringLiteral("none")), &none);
        auto t4 = into(m_registry->chatModel(QStringLiteral("extractive")), &extractive);
        QTRY_VERIFY(missing && wrongKind && none && extractive);
        QVERIFY(!*missing);
        QVERIFY2(missing->error().contains(QStringLiteral("missing")), errorOf(*missing));
        QVERIFY(!*wrongKind);
        QVERIFY2(wrongKind->error().contains(QStringLiteral("has no chat models")), errorOf(*wrongKind));
        QVERIFY(*none);
        QCOMPARE(**none, nullptr);
        QVERIFY(*extractive && **extractive);

        // A failed load is not cached: once the provider exists, the next use finds it.
        addProvider(QStringLiteral("missing"), QStringLiteral("cohere"));
        std::optional<Result<Reranker *>> found;
        auto t5 = into(m_registry->reranker(QStringLiteral("missing")), &found);
        QTRY_VERIFY(found);
        QVERIFY2(*found, errorOf(*found));
    }
};

QTEST_GUILESS_MAIN(TestProviderRegistry)
#include "tst_provider_registry.moc"
