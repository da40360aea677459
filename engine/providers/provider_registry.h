// The providers a process runs with: for each configured provider, one pooled HTTP client (its
// connections, admission queue and counters) and the reranker, embedder and chat model that use
// it, created on first use from the stored record and the key store. Lives on the engine thread;
// "builtin" (and "extractive" for chat) name the offline providers, "none" no reranker.
//
// A first use reads the database and the keychain (which may take seconds) on a pool thread,
// never on the engine thread and never in a nested event loop; requests that ask for the same
// provider meanwhile wait for that one load. Once created, an entry is never replaced, so the
// pointers handed out stay valid for the registry's life.
#pragma once

#include "core/result.h"
#include "providers/http/provider_http_client.h"
#include "providers/provider_settings.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QThreadPool>

#include <qcoro/qcorotask.h>

#include <memory>
#include <optional>

class QThreadPool;

namespace rag::store {
class Database;
struct ProviderRecord;
}

namespace rag::providers {

class ChatModel;
class Embedder;
class Reranker;
class RerankCallLog;

class ProviderRegistry : public QObject {
    Q_OBJECT
public:
    struct Services {
        std::shared_ptr<store::Database> database;
        QString dataDir;          // where the key store's fallback file lives
        QThreadPool *cpuPool = nullptr;
        RerankCallLog *callLog = nullptr; // may be null: nothing recorded
    };

    explicit ProviderRegistry(Services services, QObject *parent = nullptr);
    ~ProviderRegistry() override;

    // On the engine thread.
    QCoro::Task<Result<Reranker *>> reranker(QString name); // nullptr for "none"
    QCoro::Task<Result<Embedder *>> embedder(QString name);
    QCoro::Task<Result<ChatModel *>> chatModel(QString name);

    // The same from a thread that may block (the blocking baseline's pool threads): the registry
    // is asked on its own thread and the load is waited for on the caller's.
    Result<Reranker *> rerankerBlocking(const QString &name);
    Result<ChatModel *> chatModelBlocking(const QString &name);
    Result<Embedder *> embedderBlocking(const QString &name);

    // A provider for this registry's life only, never written to the database: the load test's
    // providers pointing at its simulator, so a run neither rewrites nor leaves behind the user's
    // providers. Refused when the name is already in use here.
    Result<void> addSessionProvider(const store::ProviderRecord &record);

    // How many times a provider was read from the database and key store (tests).
    int loads() const { return m_loads; }

    // Counters of every HTTP client created so far, by provider name.
    QHash<QString, HttpClientStats> clientStats() const;

    struct Loaded { // what a load reads, as plain values: the objects are made on the engine thread
        ProviderSettings settings;
        std::optional<QString> apiKey;
    };

private:
    struct Entry;
    QCoro::Task<Result<Entry *>> entry(QString name);
    Result<Entry *> entryBlocking(const QString &name);
    QFuture<Result<Loaded>> startLoad(const QString &name);
    Result<Entry *> adopt(const QString &name, const Result<Loaded> &loaded);
    Entry *insertEntry(const QString &name, const Loaded &loaded);
    Result<Reranker *> rerankerOf(const QString &name, Result<Entry *> entry);
    Result<ChatModel *> chatModelOf(const QString &name, Result<Entry *> entry);
    Result<Embedder *> embedderOf(const QString &name, Result<Entry *> entry);

    Services m_services;
    QThreadPool m_loadPool;
    QHash<QString, QFuture<Result<Loaded>>> m_loading;
    int m_loads = 0;
    std::unique_ptr<Reranker> m_builtinReranker;
    std::unique_ptr<Embedder> m_builtinEmbedder;
    std::unique_ptr<ChatModel> m_extractive;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
};

} // namespace rag::providers
