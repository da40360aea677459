// The engine's facades for the surfaces: value snapshots read from any thread, writes that check
// what the store alone cannot (a provider's capability, a key that must not outlive its provider).
#include "api/assistants.h"
#include "api/configured_providers.h"
#include "api/conversations.h"
#include "api/knowledge_bases.h"
#include "api/rerank_calls.h"
#include "providers/key_store.h"
#include "support/fixtures.h"
#include "store/conversation_repository.h"
#include "support/temp_workspace.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace rag;

namespace {

api::ProviderRecord provider(const QString &name, const QString &kind)
{
    api::ProviderRecord record;
    record.name = name;
    record.kind = kind;
    record.baseUrl = QStringLiteral("http://127.0.0.1:9/v1");
    record.model = QStringLiteral("m");
    return record;
}

template <typename T>
QByteArray errorOf(const Result<T> &result) // QVERIFY2 builds its message whether or not the check holds
{
    return result ? QByteArray() : result.error().toUtf8();
}

} // namespace

class TestApi : public QObject {
    Q_OBJECT
    std::unique_ptr<test::TempWorkspace> m_ws;

private Q_SLOTS:
    void init()
    {
        qputenv("RAGDESK_KEYCHAIN", "off"); // keys go to the fallback file: no session bus here
        m_ws = std::make_unique<test::TempWorkspace>();
    }

    void cleanup() { m_ws.reset(); }

    void readsAreSnapshotsFromAnyThread()
    {
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        const api::KnowledgeBases kbs(*m_ws->workspace);
        // A copy of the facade on a pool thread, as the desktop's readers use it.
        auto onPool = QtConcurrent::run([kbs] { return kbs.documents(QStringLiteral("nature")); });
        const auto here = kbs.documents(QStringLiteral("nature"));
        const auto there = onPool.result();
        QVERIFY2(here && there, errorOf(here) + errorOf(there));
        QCOMPARE(there->size(), 1);
        QCOMPARE(there->first().name, QStringLiteral("otters.md"));
        QCOMPARE(there->first().chunkCount, here->first().chunkCount);

        const auto listed = kbs.list();
        QVERIFY2(listed, errorOf(listed));
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->first().documents, 1);
        const auto missing = kbs.documents(QStringLiteral("ghost"));
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(QStringLiteral("ghost")), errorOf(missing));
    }

    // Removing a document takes its chunks out of search at once, lexical and vector alike, and
    // a second workspace on the same data (a fresh process) agrees; ingesting it again adds it back.
    void removedDocumentsLeaveSearchAndComeBackOnReingest()
    {
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands while asleep.\n"));
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/bees.md")),
                                "# Bees\nHoney bees dance to point at flowers.\n\n# More bees\nBees sleep in flowers too.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        const api::KnowledgeBases kbs(*m_ws->workspace);
        const auto before = kbs.documents(QStringLiteral("nature"));
        QVERIFY2(before, errorOf(before));
        QCOMPARE(before->size(), 2);
        QVERIFY(!before->first().updatedAt.isEmpty());
        QVERIFY(QDateTime::fromString(before->first().updatedAt, Qt::ISODate).isValid());
        const QString bees = before->first().path; // by path: bees.md sorts first
        QVERIFY(bees.endsWith(QStringLiteral("bees.md")));
        const auto chunks = kbs.documentChunks(QStringLiteral("nature"), bees);
        QVERIFY2(chunks, errorOf(chunks));
        QVERIFY(!chunks->isEmpty());
        QVERIFY(chunks->first().content.contains(QStringLiteral("Honey bees")));
        QCOMPARE(chunks->first().document, QStringLiteral("bees.md"));

        auto hits = [&](Workspace &workspace, const QString &query) {
            index::SearchOptions options;
            options.similarityThreshold = 0; // every chunk that matches at all, lexically or not
            auto found = workspace.search(QStringLiteral("nature"), query, options);
            QStringList documents;
            for (const index::SearchHit &hit : found ? found->hits : QList<index::SearchHit>())
                documents.append(hit.chunk.document);
            return documents;
        };
        QVERIFY(hits(*m_ws->workspace, QStringLiteral("bees dance")).contains(QStringLiteral("bees.md")));

        const auto removed = m_ws->workspace->removeDocuments(QStringLiteral("nature"), {bees, QStringLiteral("/no/such.md")});
        QVERIFY2(removed, errorOf(removed));
        QCOMPARE(*removed, 1);
        QVERIFY(!hits(*m_ws->workspace, QStringLiteral("bees dance")).contains(QStringLiteral("bees.md")));
        QCOMPARE(kbs.documents(QStringLiteral("nature"))->size(), 1);
        QCOMPARE(kbs.list()->first().chunks, kbs.documents(QStringLiteral("nature"))->first().chunkCount);
        QCOMPARE(m_ws->workspace->vectorIndexes().open(kbs.list()->first(), m_ws->workspace->database().connection())
                     .value()->size(),
                 kbs.list()->first().chunks);
        auto again = m_ws->reopen();
        QVERIFY(!hits(*again, QStringLiteral("bees dance")).contains(QStringLiteral("bees.md")));

        const auto report = m_ws->ingest(QStringLiteral("nature"), {bees});
        QCOMPARE(report.count(ingest::IngestFileOutcome::Status::Added), 1);
        QVERIFY(hits(*m_ws->workspace, QStringLiteral("bees dance")).contains(QStringLiteral("bees.md")));
        QVERIFY(!m_ws->workspace->removeDocuments(QStringLiteral("ghost"), {bees}));
    }

    void providerKeysLiveAndDieWithTheirProvider()
    {
        const api::ConfiguredProviders providers(*m_ws->workspace);
        QString warning;
        const auto added = providers.add(provider(QStringLiteral("cohere"), QStringLiteral("cohere")), QStringLiteral("sk-api-1"), &warning);
        QVERIFY2(added, errorOf(added));
        QCOMPARE(added->keyStore, QStringLiteral("file"));
        QVERIFY(!warning.isEmpty()); // the fallback file is said out loud
        QVERIFY(!warning.contains(QStringLiteral("sk-api-1")));
        const providers::KeyStore keys(m_ws->workspace->dataDir());
        QCOMPARE(*keys.read(QStringLiteral("cohere"), providers::KeyStore::Backend::File), QStringLiteral("sk-api-1"));

        // A second provider of the name is refused before its key is kept: the first key stays.
        const auto again = providers.add(provider(QStringLiteral("cohere"), QStringLiteral("cohere")), QStringLiteral("sk-api-2"), &warning);
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("already exists")), errorOf(again));
        QCOMPARE(*keys.read(QStringLiteral("cohere"), providers::KeyStore::Backend::File), QStringLiteral("sk-api-1"));

        const auto bad = providers.add(provider(QStringLiteral("odd"), QStringLiteral("no-such-kind")), QStringLiteral("sk-odd"), &warning);
        QVERIFY(!bad);
        QVERIFY(!keys.read(QStringLiteral("odd"), providers::KeyStore::Backend::File));

        QVERIFY(providers.remove(QStringLiteral("cohere")));
        QVERIFY(!keys.read(QStringLiteral("cohere"), providers::KeyStore::Backend::File));
        QVERIFY(!providers.find(QStringLiteral("cohere")));
        QVERIFY(!providers.remove(QStringLiteral("cohere")));
        QCOMPARE(api::ConfiguredProviders::capabilitiesOf(QStringLiteral("cohere")), QStringList{QStringLiteral("rerank")});
        QCOMPARE(api::ConfiguredProviders::capabilitiesOf(QStringLiteral("ollama")),
                 (QStringList{QStringLiteral("embeddings"), QStringLiteral("chat")}));
        QVERIFY(api::ConfiguredProviders::capabilitiesOf(QStringLiteral("no-such-kind")).isEmpty());
    }

    // Editing a provider changes its settings and keeps, replaces or drops its key as asked.
    void providerSettingsAreEditedAndItsKeyKeptOrReplaced()
    {
        const api::ConfiguredProviders providers(*m_ws->workspace);
        QString warning;
        QVERIFY(providers.add(provider(QStringLiteral("jina"), QStringLiteral("jina")), QStringLiteral("sk-old"), &warning));
        const providers::KeyStore keys(m_ws->workspace->dataDir());

        api::ProviderRecord changed = provider(QStringLiteral("jina"), QStringLiteral("jina"));
        changed.model = QStringLiteral("jina-reranker-v2");
        changed.maxConnections = 64;
        changed.http2 = true;
        const auto kept = providers.update(changed, std::nullopt, &warning);
        QVERIFY2(kept, errorOf(kept));
        QCOMPARE(providers.find(QStringLiteral("jina"))->model, QStringLiteral("jina-reranker-v2"));
        QCOMPARE(providers.find(QStringLiteral("jina"))->maxConnections, 64);
        QVERIFY(providers.find(QStringLiteral("jina"))->http2);
        QCOMPARE(*keys.read(QStringLiteral("jina"), providers::KeyStore::Backend::File), QStringLiteral("sk-old"));

        QVERIFY(providers.update(changed, QStringLiteral("sk-new"), &warning));
        QCOMPARE(*keys.read(QStringLiteral("jina"), providers::KeyStore::Backend::File), QStringLiteral("sk-new"));
        QVERIFY(providers.update(changed, QString(), &warning));
        QVERIFY(!keys.read(QStringLiteral("jina"), providers::KeyStore::Backend::File));
        QCOMPARE(providers.find(QStringLiteral("jina"))->keyStore, QStringLiteral("none"));

        changed.maxConnections = 0; // checked as add checks it; nothing changes
        QVERIFY(!providers.update(changed, std::nullopt, &warning));
        QCOMPARE(providers.find(QStringLiteral("jina"))->maxConnections, 64);
        QVERIFY(!providers.update(provider(QStringLiteral("ghost"), QStringLiteral("jina")), std::nullopt, &warning));
    }

    // A conversation is renamed, exported as Markdown (citations from 1, its sources listed)
    // and deleted with its messages.
    void conversationsAreRenamedExportedAndDeleted()
    {
        QVERIFY(test::writeFile(m_ws->path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands.\n"));
        m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
        api::AssistantSpec spec;
        spec.name = QStringLiteral("guide");
        spec.knowledgeBases = {QStringLiteral("nature")};
        const auto assistant = api::Assistants(*m_ws->workspace).create(spec);
        QVERIFY2(assistant, errorOf(assistant));
        store::ConversationRepository repository(m_ws->workspace->database().connection());
        const auto conversation = repository.create(assistant->id, QStringLiteral("otters"));
        QVERIFY(conversation);
        store::StoredMessage question{0, QStringLiteral("user"), QStringLiteral("Why do otters **hold** hands?"), {}, {}, {}};
        store::StoredMessage answer{0, QStringLiteral("assistant"), QStringLiteral("So they do not drift apart [ID:0]."), {}, {}, {}};
        answer.references = {store::ChatReference{0, 1, QStringLiteral("otters.md"), QStringLiteral("Sea otters hold hands."), 3}};
        QVERIFY(repository.appendExchange(conversation->id, question, answer));

        const api::Conversations conversations(*m_ws->workspace);
        QVERIFY(conversations.rename(conversation->id, QStringLiteral("  Otters and   kelp ")));
        QCOMPARE(conversations.list(assistant->id)->first().title, QStringLiteral("Otters and kelp"));
        QVERIFY(!conversations.rename(conversation->id, QStringLiteral("   ")));
        QVERIFY(!conversations.rename(conversation->id + 100, QStringLiteral("ghost")));

        const auto markdown = conversations.toMarkdown(conversation->id);
        QVERIFY2(markdown, errorOf(markdown));
        QVERIFY2(markdown->startsWith(QStringLiteral("# Otters and kelp\n")), qPrintable(*markdown));
        QVERIFY(markdown->contains(QStringLiteral("Assistant guide, started ")));
        QVERIFY(markdown->contains(QStringLiteral("> Why do otters **hold** hands?")));
        QVERIFY(markdown->contains(QStringLiteral("So they do not drift apart [1].")));
        QVERIFY(markdown->contains(QStringLiteral("Sources:\n\n1. otters.md, page 3\n")));
        QVERIFY(!markdown->contains(QStringLiteral("[ID:")));

        QVERIFY(conversations.remove(conversation->id));
        QVERIFY(!conversations.load(conversation->id));
        QVERIFY(conversations.list(assistant->id)->isEmpty());
    }

    void assistantsNameProvidersThatServeTheirRole()
    {
        QVERIFY(m_ws->workspace->createKnowledgeBase({QStringLiteral("docs")}));
        const api::ConfiguredProviders providers(*m_ws->workspace);
        QVERIFY(providers.add(provider(QStringLiteral("ranker"), QStringLiteral("jina")), QString(), nullptr));
        const api::Assistants assistants(*m_ws->workspace);
        api::AssistantSpec spec;
        spec.name = QStringLiteral("helper");
        spec.knowledgeBases = {QStringLiteral("docs")};
        spec.llm = QStringLiteral("ranker"); // a reranker asked to chat
        const auto refused = assistants.create(spec);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("does not serve chat")), errorOf(refused));
        QVERIFY(!assistants.find(QStringLiteral("helper")));

        spec.llm = QStringLiteral("builtin");
        spec.reranker = QStringLiteral("ranker");
        const auto created = assistants.create(spec);
        QVERIFY2(created, errorOf(created));
        QCOMPARE(assistants.find(QStringLiteral("helper"))->spec, spec);
        QCOMPARE(assistants.list()->size(), 1);
        QVERIFY(api::Conversations(*m_ws->workspace).list(created->id)->isEmpty());
        QVERIFY(!api::Conversations(*m_ws->workspace).load(12345));
        QVERIFY(assistants.remove(QStringLiteral("helper")));
        QVERIFY(assistants.list()->isEmpty());
    }

    void anEmptyCallLogCountsNothing()
    {
        const api::RerankCalls calls(*m_ws->workspace);
        QCOMPARE(*calls.count(), 0);
        QVERIFY(calls.query({})->isEmpty());
        QVERIFY(!calls.find(1));
    }

    // A data folder ragdesk makes is the user's alone, and so are the database and its WAL; a
    // folder the user made and chose is left as it is.
    void theDataFolderIsTheUsersAlone()
    {
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                            | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
        const QString data = m_ws->path(QStringLiteral("data"));
        QCOMPARE(QFileInfo(data).permissions() & others, QFileDevice::Permissions());
        QVERIFY(m_ws->workspace->createKnowledgeBase({QStringLiteral("private")})); // a write: the WAL exists
        for (const char *name : {"ragdesk.sqlite", "ragdesk.sqlite-wal"}) {
            const QFileInfo file(QDir(data).filePath(QLatin1String(name)));
            QVERIFY2(file.exists(), name);
            QCOMPARE(file.permissions() & others, QFileDevice::Permissions());
        }

        const QString chosen = m_ws->path(QStringLiteral("shared"));
        QVERIFY(QDir().mkpath(chosen));
        const auto open = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                          | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther;
        QVERIFY(QFile::setPermissions(chosen, open));
        auto opened = Workspace::open({chosen, {}, {}});
        QVERIFY(opened);
        QVERIFY(QFileInfo(chosen).permissions() & QFileDevice::ReadOther);
        QCOMPARE(QFileInfo(QDir(chosen).filePath(QStringLiteral("ragdesk.sqlite"))).permissions() & others,
                 QFileDevice::Permissions());
    }
};

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
